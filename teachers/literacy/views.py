"""The digital-literacy pages: the rounds (and opening one), a round's results (entered one by
one or imported from its sheet), and the teacher's own result on their profile."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role
from core.permissions import require, roles_required, school_scope
from core.timeutil import today
from core.views.forms_util import flash_errors
from teachers.models import Teacher

from . import labels, services
from .models import DIMENSIONS, LiteracyResult, LiteracyRound

bp = Blueprint("literacy", __name__)
STAFF = (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN)


@bp.app_context_processor
def _labels() -> dict[str, Any]:
    return {"ll": labels, "literacy_dimensions": DIMENSIONS}


def _round(round_id: int) -> LiteracyRound:
    round_ = db.get_or_404(LiteracyRound, round_id)
    require(services.visible_round(current_user, round_id) is not None)
    return round_


@bp.route("/literacy", methods=["GET", "POST"])
@roles_required(*STAFF)
def index():  # type: ignore[no-untyped-def]
    school_id = services.school_of_new_round(current_user)
    if request.method == "POST":
        try:
            round_ = services.open_round(_round_data(request.form), school_id, current_user)
        except ValidationFailed as err:
            flash_errors(err.fields)
            return redirect(url_for("literacy.index")), 303
        flash(_("Round opened: %(round)s.", round=round_), "success")
        return redirect(url_for("literacy.round_page", round_id=round_.id))
    pagination = paginate(
        services.visible_rounds(current_user), page=request.args.get("page", 1, type=int),
        per_page=25,
    )  # fmt: skip
    return render_template(
        "teachers/literacy/index.html",
        pagination=pagination,
        may_open=services.may_open(current_user, school_id),
        this_year=today().year,
    )


def _round_data(form: Any) -> dict[str, Any]:
    def day(name: str) -> date | None:
        try:
            return date.fromisoformat(form.get(name, ""))
        except ValueError:
            return None

    year = form.get("year", "")
    return {
        "name": form.get("name", ""),
        "year": int(year) if year.isdigit() else None,
        "takers": form.get("takers", ""),
        "opens_on": day("opens_on"),
        "closes_on": day("closes_on"),
    }


@bp.route("/literacy/<int:round_id>", methods=["GET", "POST"])
@roles_required(*STAFF)
def round_page(round_id: int):  # type: ignore[no-untyped-def]
    round_ = _round(round_id)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        teacher = services.teacher_in_reach(current_user, request.form.get("staff_no", ""))
        if teacher is None:
            errors = services.not_in_reach().fields
        else:
            try:
                done = services.record(round_, teacher, request.form, current_user)
            except ValidationFailed as err:
                errors = err.fields
            else:
                flash(_("Recorded: %(name)s.", name=teacher.name) if done
                      else _("Unchanged: the same scores as before."), "success")  # fmt: skip
                return redirect(url_for("literacy.round_page", round_id=round_.id))
    query = (
        select(LiteracyResult)
        .join(Teacher, LiteracyResult.teacher_id == Teacher.id)
        .options(joinedload(LiteracyResult.teacher))
        .where(
            LiteracyResult.round_id == round_.id,
            LiteracyResult.current.is_(True),
            school_scope(current_user, Teacher.school_id),
        )
        .order_by(LiteracyResult.passed, Teacher.school_id, Teacher.staff_no)
    )
    results = paginate(query, page=request.args.get("page", 1, type=int), per_page=50)
    return render_template(
        "teachers/literacy/round.html",
        round=round_,
        results=results,
        errors=errors,
        form=request.form,
        line=services.pass_line(round_.maxima, round_.closes_on),
    ), (400 if errors else 200)


def profile_section(teacher: Teacher, user: Any) -> tuple[str, dict[str, Any]] | None:
    """The teacher's results, newest first, with the dimension to work on."""
    results = services.history(teacher)
    if not results and user.role != Role.TEACHER:
        return None
    current = next((r for r in results if r.current), None)
    return "teachers/literacy/_profile.html", {
        "results": results,
        "current": current,
        "weakest": services.weakest(current) if current else None,
        "line": services.pass_line(current.round.maxima, current.round.closes_on)
        if current
        else None,
    }

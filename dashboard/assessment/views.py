"""The counties' assessment pages: the year's ranking (publishing it, its 通报 PDF), a county's
items and its schools' contribution (the figures the bureau enters, its interviews), and an
interview (the county's report, the city's review)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core.db import paginate
from core.errors import Conflict, NotFound, ServiceError, ValidationFailed
from core.extensions import db
from core.models import Role
from core.permissions import require, roles_required
from core.timeutil import today
from core.uploads import send_upload

from . import notice, services
from .items import RATIO_UNIT, plain, shown
from .models import Interview, ManualFigure
from .waits import is_city, is_county_of

bp = Blueprint("assessment", __name__)
READERS = (Role.ADMIN, Role.BUREAU)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {"assessment_shown": shown, "plain_number": plain}


def _year(value: Any) -> int:
    try:
        year = int(value)
        services.check_year(year)
    except (TypeError, ValueError, NotFound):
        abort(404)
    return year


def _readable() -> None:
    require(services.may_read(current_user))


@bp.get("/assessment")
@roles_required(*READERS)
def index():  # type: ignore[no-untyped-def]
    _readable()
    year = _year(request.args.get("year") or services.years()[0])
    table = services.visible(services.table(year), current_user)
    row = services.assessment(year)
    own_county = current_user.county_id if not is_city(current_user) else None
    return render_template(
        "dashboard/assessment/index.html",
        table=table,
        year=year,
        years=services.years(),
        record=row,
        missing=services.missing(year) if is_city(current_user) and not table.published else [],
        confirmed=table.published or services.items_confirmed(year),
        manages=is_city(current_user),
        overdue=services.overdue(own_county),
        own_code=current_user.county.code if own_county and current_user.county else None,
        interviews=db.session.scalars(services.interviews(current_user, year).limit(20)).all(),
    )


@bp.post("/assessment/<int:year>/publish")
@roles_required(*READERS)
def publish(year: int):  # type: ignore[no-untyped-def]
    try:
        services.publish(_year(year), current_user)
    except Conflict as err:
        flash(err.message, "error")
    else:
        flash(_("The %(year)s assessment is published: its figures are frozen and the counties "
                "are told.", year=year), "success")  # fmt: skip
    return redirect(url_for("assessment.index", year=year)), 303


@bp.get("/assessment/<int:year>/notice.pdf")
@roles_required(*READERS)
def notice_pdf(year: int):  # type: ignore[no-untyped-def]
    _readable()
    table = services.table(_year(year))
    if not table.published:
        flash(_("The notice (通报) is made once the year is published."), "info")
        return redirect(url_for("assessment.index", year=year))
    return notice.response(table)


def _county(year: int, code: str):  # type: ignore[no-untyped-def]
    _readable()
    try:
        county = services.county_by_code(code)
    except NotFound:
        abort(404)
    require(is_city(current_user) or is_county_of(current_user, county.id))
    return county


@bp.get("/assessment/<int:year>/counties/<code>")
@roles_required(*READERS)
def county_page(year: int, code: str, errors: dict | None = None, form: Any = None):  # type: ignore[no-untyped-def]
    year = _year(year)
    county = _county(year, code)
    table = services.table(year)
    row = table.county(code)
    if row is None:
        abort(404)
    entered = {k: f for (cid, k), f in services.figures(year).items() if cid == county.id}
    return render_template(
        "dashboard/assessment/county.html",
        table=table,
        year=year,
        county=county,
        row=row,
        ranked=table.published or is_city(current_user),
        entered=entered,
        manages=is_city(current_user),
        overdue=services.overdue(county.id),
        interviews=db.session.scalars(services.interviews(current_user, year, county.id)).all(),
        errors=errors or {},
        interview_errors=any(k.startswith("interview.") for k in errors or {}),
        form=form or request.form,
        today=today(),
    ), (400 if errors else 200)


def _percent_or_number(text: str, unit: str) -> Any:
    """The page asks a ratio as a percent: 95 → 0.95 (the API takes 0–1 as it is)."""
    if unit != RATIO_UNIT:
        return text
    try:
        return str(Decimal(text.strip()) / 100)
    except (InvalidOperation, ValueError):
        return text


@bp.post("/assessment/<int:year>/counties/<code>/figures")
@roles_required(*READERS)
def enter_figure(year: int, code: str):  # type: ignore[no-untyped-def]
    year = _year(year)
    county = _county(year, code)
    key = request.form.get("item", "")
    item = services.manual_item(year, key)
    value = _percent_or_number(request.form.get("value", ""), item.unit if item else RATIO_UNIT)
    try:
        services.enter_figure(year, county, key, value, request.files.get("evidence"),
                              request.form.get("note", ""), current_user)  # fmt: skip
    except ValidationFailed as err:
        return county_page(year, code, {f"{key}.{k}": v for k, v in err.fields.items()},
                           request.form)  # fmt: skip
    except ServiceError as err:
        flash(err.message, "error")
    else:
        flash(_("Figure saved."), "success")
    return redirect(url_for("assessment.county_page", year=year, code=code) + "#figures"), 303


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


@bp.post("/assessment/<int:year>/counties/<code>/interviews")
@roles_required(*READERS)
def record_interview(year: int, code: str):  # type: ignore[no-untyped-def]
    year = _year(year)
    county = _county(year, code)
    form = request.form
    data = {
        "held_on": _day(form.get("held_on")),
        "attendees": form.get("attendees", ""),
        "issues": form.get("issues", ""),
        "commitments": [{"text": t, "due_on": _day(d)} for t, d in
                        zip(form.getlist("commitment"), form.getlist("due_on"), strict=False)],
    }  # fmt: skip
    try:
        interview = services.record_interview(year, county, data, current_user)
    except ValidationFailed as err:
        return county_page(year, code, {f"interview.{k}": v for k, v in err.fields.items()}, form)
    flash(_("Interview recorded: %(county)s's bureau is told to report on its commitments.",
            county=county.name), "success")  # fmt: skip
    return redirect(url_for("assessment.interview_page", interview_id=interview.id)), 303


@bp.get("/assessment/interviews")
@roles_required(*READERS)
def interviews():  # type: ignore[no-untyped-def]
    _readable()
    query = services.interviews(current_user)
    if request.args.get("waiting") == "me":
        query = query.where(services.INTERVIEW_WORKFLOW.waiting_for(current_user))
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    return render_template("dashboard/assessment/interviews.html", pagination=pagination,
                           waiting=request.args.get("waiting") == "me")  # fmt: skip


@bp.route("/assessment/interviews/<int:interview_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def interview_page(interview_id: int):  # type: ignore[no-untyped-def]
    interview = db.get_or_404(Interview, interview_id)
    require(services.may_see_interview(current_user, interview))
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        action = request.form.get("action", "")
        try:
            if action in ("save", "report"):
                services.record_actions(interview, _actions(interview), current_user,
                                        send=action == "report")  # fmt: skip
                flash(_("Report sent to the city bureau.") if action == "report"
                      else _("Saved."), "success")  # fmt: skip
            else:
                services.act(interview, action, current_user, request.form.get("reason", ""))
                flash(_("Done: %(action)s.",
                        action=services.INTERVIEW_WORKFLOW.actions[action]), "success")  # fmt: skip
        except ValidationFailed as err:
            errors = err.fields
        except ServiceError as err:
            flash(err.message, "error")
            return redirect(url_for("assessment.interview_page", interview_id=interview.id)), 303
        else:
            return redirect(url_for("assessment.interview_page", interview_id=interview.id)), 303
    allowed = services.INTERVIEW_WORKFLOW.allowed_actions(interview, current_user)
    return render_template(
        "dashboard/assessment/interview.html",
        interview=interview,
        errors=errors,
        form=request.form,
        reports="report" in allowed,
        reviews="close" in allowed,
        today=today(),
    ), (400 if errors else 200)


def _actions(interview: Interview) -> dict[int, dict[str, Any]]:
    form = request.form
    return {
        c.id: {"action": form.get(f"action_{c.id}", ""), "done_on": _day(form.get(f"done_{c.id}"))}
        for c in interview.commitments
    }


@bp.get("/assessment/figures/<int:figure_id>/evidence")
@roles_required(*READERS)
def evidence(figure_id: int):  # type: ignore[no-untyped-def]
    figure = db.get_or_404(ManualFigure, figure_id)
    require(is_city(current_user) or is_county_of(current_user, figure.county_id))
    if figure.evidence is None:
        abort(404)
    return send_upload(figure.evidence)

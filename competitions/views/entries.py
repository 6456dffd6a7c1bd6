"""Registering entries, recording results by hand or from Excel."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import org
from core.errors import ValidationFailed
from core.excel import download
from core.extensions import db
from core.forms import options
from core.models import Role, School
from core.permissions import require, roles_required
from core.views.forms_util import apply_errors, flash_errors, form_status
from teachers.models import Teacher

from .. import results_sheet, services
from ..forms import EntryForm, ResultForm, ResultsImportForm
from ..models import Competition, CompetitionStatus, Entry, Event
from . import bp

SPLIT = re.compile(r"[\s,，、;；]+")


def _teacher_ids(school: School, text: str, field: str, errors: dict) -> list[int]:
    numbers = [n for n in SPLIT.split(text or "") if n]
    found = (
        dict(
            db.session.execute(
                select(Teacher.staff_no, Teacher.id).where(
                    Teacher.school_id == school.id, Teacher.staff_no.in_(numbers)
                )
            ).all()
        )
        if numbers
        else {}
    )
    for n in numbers:
        if n not in found:
            errors.setdefault(field, []).append(
                _("No teacher with staff number %(n)s at %(school)s.", n=n, school=school.name)
            )
    return [found[n] for n in numbers if n in found]


def _students(text: str, errors: dict) -> list[tuple[str, str]]:
    out = []
    for line in (text or "").splitlines():
        parts = line.split(None, 1)
        if not parts:
            continue
        if len(parts) != 2:
            errors.setdefault("students", []).append(
                _("Write the student number, then the name: %(line)s", line=line)
            )
            continue
        out.append((parts[0], parts[1].strip()))
    return out


@bp.route("/events/<int:event_id>/entries/new", methods=["GET", "POST"])
@roles_required(Role.SCHOOL_HR, Role.ORGANIZER, Role.ADMIN)
def register(event_id: int):  # type: ignore[no-untyped-def]
    event = db.get_or_404(Event, event_id)
    form = EntryForm()
    if current_user.role == Role.SCHOOL_HR:
        schools = [current_user.school]
    else:
        schools = list(db.session.scalars(select(School).order_by(School.code)))
    form.school.choices = options((s.code, s.name) for s in schools)
    if form.validate_on_submit():
        school = org.school_by_code(form.school.data) or abort(404)
        require(services.can_register_for(current_user, school))
        errors: dict = {}
        people = services.EntryPeople(
            teachers=_teacher_ids(school, form.teachers.data, "teachers", errors),
            students=_students(form.students.data, errors),
            instructors=_teacher_ids(school, form.instructors.data, "instructors", errors),
        )
        try:
            if errors:
                raise ValidationFailed(errors)
            services.register_entry(event, school, people, current_user)
        except ValidationFailed as err:
            apply_errors(form, err, aliases={"members": "teachers"})
        else:
            flash(_("Entry registered."), "success")
            return redirect(
                url_for("competitions.detail", competition_id=event.competition_id) + "#entries"
            )
    return render_template("competitions/entry_form.html", form=form, event=event), form_status(
        form
    )


@bp.post("/entries/<int:entry_id>/withdraw")
@roles_required(Role.SCHOOL_HR, Role.ORGANIZER, Role.ADMIN)
def withdraw(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.get_or_404(Entry, entry_id)
    competition_id = entry.event.competition_id
    services.withdraw_entry(entry, current_user)
    flash(_("Entry withdrawn."), "success")
    return redirect(url_for("competitions.detail", competition_id=competition_id) + "#entries")


@bp.post("/entries/<int:entry_id>/result")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def result(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.get_or_404(Entry, entry_id)
    form = ResultForm()
    form.validate_on_submit()
    try:
        services.record_result(
            entry,
            request.form.get("award"),
            request.form.get("rank"),
            request.form.get("score"),
            current_user,
            request.form.get("reason", ""),
        )
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(
            url_for("competitions.detail", competition_id=entry.event.competition_id) + "#entries"
        ), 303
    flash(_("Result saved."), "success")
    return redirect(
        url_for("competitions.detail", competition_id=entry.event.competition_id) + "#entries"
    )


@bp.get("/competitions/<int:competition_id>/results-template.xlsx")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def results_template(competition_id: int):  # type: ignore[no-untyped-def]

    competition = db.get_or_404(Competition, competition_id)
    return download(results_sheet.template(competition), f"{competition}成绩.xlsx".replace(" ", ""))


@bp.post("/competitions/<int:competition_id>/results-import")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def results_import(competition_id: int):  # type: ignore[no-untyped-def]

    competition = db.get_or_404(Competition, competition_id)
    form = ResultsImportForm()
    if competition.status == CompetitionStatus.PUBLISHED:
        flash(_("Published results are corrected one by one, with a reason."), "error")
        return redirect(url_for("competitions.detail", competition_id=competition.id)), 303
    report = None
    if form.validate_on_submit():
        report = results_sheet.import_results(competition, form.file.data.stream, current_user)
        if report.ok:
            flash(_("%(n)d results imported.", n=report.recorded), "success")
            return redirect(
                url_for("competitions.detail", competition_id=competition.id) + "#entries"
            )
    return render_template(
        "competitions/import_report.html", competition=competition, form=form, report=report
    ), 400

"""Registering entries, recording results by hand or from Excel."""

from __future__ import annotations

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import org
from core.errors import Conflict, ValidationFailed
from core.excel import download
from core.extensions import db
from core.forms import options
from core.models import Role, School
from core.permissions import require, roles_required
from core.views.forms_util import apply_errors, flash_errors, form_status
from teachers.models import Teacher

from .. import results_sheet, services
from ..forms import EntryForm, ResultForm, ResultsImportForm
from ..models import Competition, Entry, Event
from .blueprint import bp


def _picked(school: School, field: str) -> list[Teacher]:
    """The teachers picked in the form (their ids), in the order picked, of `school` only."""
    ids = []
    for raw in request.form.getlist(field):
        try:
            ids.append(int(raw))
        except ValueError:
            continue
    found = {
        t.id: t
        for t in db.session.scalars(
            select(Teacher).where(Teacher.id.in_(ids or [-1]), Teacher.school_id == school.id)
        )
    }
    return [found[i] for i in dict.fromkeys(ids) if i in found]


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
    members: list[Teacher] = []
    instructors: list[Teacher] = []
    problems: dict[str, list[str]] = {}
    if form.validate_on_submit():
        school = org.school_by_code(form.school.data) or abort(404)
        require(services.can_register_for(current_user, school))
        errors: dict = {}
        members, instructors = _picked(school, "teacher_id"), _picked(school, "instructor_id")
        people = services.EntryPeople(
            teachers=[t.id for t in members],
            students=_students(form.students.data, errors),
            instructors=[t.id for t in instructors],
        )
        try:
            if errors:
                raise ValidationFailed(errors)
            services.register_entry(event, school, people, current_user)
        except ValidationFailed as err:
            # Pickers show their own problems; the form's fields theirs; the rest is flashed.
            problems = {k: v for k, v in err.fields.items() if k in ("members", "instructors")}
            rest = {k: v for k, v in err.fields.items() if k not in problems}
            if rest or not problems:
                apply_errors(form, ValidationFailed(rest, err.message))
        else:
            names = "、".join(t.name for t in members) or "、".join(n for _s, n in people.students)
            flash(_("Registered: %(names)s in %(event)s.", names=names, event=event), "success")
            return redirect(
                url_for("competitions.detail", competition_id=event.competition_id) + "#entries"
            )
    return render_template(
        "competitions/entry_form.html",
        form=form,
        event=event,
        kinds=services.member_kinds(event.competition),
        members=members,
        instructors=instructors,
        problems=problems,
    ), (400 if problems else form_status(form))


@bp.get("/events/<int:event_id>/people.json")
@roles_required(Role.SCHOOL_HR, Role.ORGANIZER, Role.ADMIN)
def people(event_id: int):  # type: ignore[no-untyped-def]
    """Teachers one may pick for an entry of the event, by name or staff number (the picker)."""
    event = db.get_or_404(Event, event_id)
    school = org.school_by_code(request.args.get("school") or "")
    if current_user.role == Role.SCHOOL_HR:
        school = current_user.school
    q = (request.args.get("q") or "").strip()[:40]
    if school is None or not q:
        return jsonify([])
    require(services.can_register_for(current_user, school))
    return jsonify(
        [
            {"id": t.id, "name": t.name, "staff_no": t.staff_no, "department": t.department}
            for t in services.candidates(event, school, q)
        ]
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
    try:
        results_sheet.check_importable(competition)
    except Conflict as err:
        flash(err.message, "error")
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

"""The competition catalogue: list, create, a competition's page, events, close, publish."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role, School
from core.permissions import roles_required
from core.views.forms_util import apply_errors, flash_errors, form_status

from .. import services, stats
from ..forms import CompetitionForm, EventForm, ResultForm, ResultsImportForm
from ..models import Competition, Entry, EntryPerson, Event
from .blueprint import bp

READERS = (Role.ORGANIZER, Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)


@bp.get("/competitions")
@roles_required(*READERS)
def index():  # type: ignore[no-untyped-def]
    year = request.args.get("year", type=int)
    query = select(Competition).order_by(Competition.year.desc(), Competition.id.desc())
    if year:
        query = query.where(Competition.year == year)
    waiting = request.args.get("waiting") == "me"  # the 待办's link: those waiting for me
    if waiting:
        query = query.where(services.WORKFLOW.waiting_for(current_user))
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    return render_template(
        "competitions/index.html",
        pagination=pagination,
        year=year,
        waiting=waiting,
        can_create=services.is_organizer(current_user),
    )


@bp.route("/competitions/new", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.ADMIN)
def new():  # type: ignore[no-untyped-def]
    form = CompetitionForm()
    if form.validate_on_submit():
        try:
            competition = services.save_competition(form.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Competition created. Now add its events."), "success")
            return redirect(url_for("competitions.detail", competition_id=competition.id))
    return render_template("competitions/form.html", form=form, competition=None), form_status(form)


@bp.route("/competitions/<int:competition_id>/edit", methods=["GET", "POST"])
@roles_required(Role.ORGANIZER, Role.ADMIN)
def edit(competition_id: int):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    form = CompetitionForm(obj=competition)
    if form.validate_on_submit():
        try:
            services.save_competition(form.data, current_user, competition)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("competitions.detail", competition_id=competition.id))
    return render_template(
        "competitions/form.html", form=form, competition=competition
    ), form_status(form)


@bp.get("/competitions/<int:competition_id>")
@roles_required(*READERS)
def detail(competition_id: int):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    organizer = services.is_organizer(current_user)
    # A page of entries at a time: a city competition has thousands.
    query = (
        select(Entry)
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id)
        .options(
            joinedload(Entry.event),
            joinedload(Entry.school),
            selectinload(Entry.people).selectinload(EntryPerson.teacher),
            selectinload(Entry.people).selectinload(EntryPerson.student),
        )
        .order_by(Event.id, Entry.id)
    )
    if current_user.role == Role.SCHOOL_HR:
        query = query.where(Entry.school_id == current_user.school_id)
    elif current_user.role == Role.BUREAU and current_user.county_id:
        query = query.where(
            Entry.school_id.in_(select(School.id).where(School.county_id == current_user.county_id))
        )
    event_id = request.args.get("event", type=int)
    if event_id:
        query = query.where(Entry.event_id == event_id)
    entries = paginate(query, page=request.args.get("page", 1, type=int), per_page=50)
    counts = dict(
        db.session.execute(
            select(Entry.event_id, func.count(Entry.id))
            .join(Event, Entry.event_id == Event.id)
            .where(Event.competition_id == competition.id)
            .group_by(Entry.event_id)
        ).all()
    )
    result_form = ResultForm()
    result_form.award.choices = [("", "—")] + [(a, a) for a in competition.awards]
    schools = {s.id: s for s in db.session.scalars(select(School))}
    return render_template(
        "competitions/detail.html",
        competition=competition,
        entries=entries,
        counts=counts,
        organizer=organizer,
        event_form=EventForm(),
        import_form=ResultsImportForm(),
        medals=stats.medal_table(competition),
        schools=schools,
        publishing=_publishing(competition) if organizer else None,
    )


def _publishing(competition: Competition) -> dict[str, Any]:
    """What the publish button says: whether it is early, and how many results it shows."""
    with_result, without = services.result_counts(competition)
    return {"early": services.publishing_early(competition), "with_result": with_result,
            "without": without}  # fmt: skip


@bp.post("/competitions/<int:competition_id>/events")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def add_event(competition_id: int):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    form = EventForm()
    if form.validate_on_submit():
        try:
            services.add_event(competition, form.data, current_user)
        except ValidationFailed as err:
            flash_errors(err.fields)
        else:
            flash(_("Event added."), "success")
    else:
        flash_errors(form.errors)
    return redirect(url_for("competitions.detail", competition_id=competition.id) + "#events"), 303


@bp.post("/competitions/<int:competition_id>/<any(close, publish):action>")
@roles_required(Role.ORGANIZER, Role.ADMIN)
def change_state(competition_id: int, action: str):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    back = redirect(url_for("competitions.detail", competition_id=competition.id))
    try:
        services.transition(competition, action, current_user, request.form.get("reason", ""))
    except ValidationFailed as err:  # publishing early without a reason: say so, change nothing
        flash_errors(err.fields)
        return back, 303
    done = {
        "close": _("Entries are closed. Record the results, then publish them."),
        "publish": _("Results published: the public results page is open."),
    }
    flash(done[action], "success")
    return back

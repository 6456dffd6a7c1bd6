"""Competitions in the JSON API."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import select

from core import org
from core.api import ApiBlueprint, SyncQuery, get_visible, validate_json
from core.db import sync_order
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.forms import capacity
from core.models import Role
from core.permissions import require
from core.schemas import (
    MAX_ID,
    ApiSchema,
    Boolean,
    Code,
    Computed,
    Id,
    Label,
    Timestamp,
    Upload,
    between,
    form_schema,
    length,
)

from . import labels, results_sheet, services
from .forms import CompetitionForm, EventForm
from .labels import mask
from .models import Competition, CompetitionStatus, Entry, Event
from .results_sheet import entries_of

api = ApiBlueprint("competitions_api", __name__)
READERS = (Role.ORGANIZER, Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)

CompetitionIn = form_schema(CompetitionForm, "CompetitionIn")
EventIn = form_schema(EventForm, "EventIn")


class EventOut(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    group = fields.String(allow_none=True)
    team = Boolean(required=True)
    min_members = fields.Integer(allow_none=True)
    max_members = fields.Integer(allow_none=True)
    max_instructors = fields.Integer(allow_none=True)
    quota_per_school = fields.Integer(allow_none=True)


class CompetitionOut(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    series = Code(labels.SERIES, required=True)
    series_label = Label(labels.SERIES)
    level = Code(labels.LEVEL, required=True)
    level_label = Label(labels.LEVEL)
    year = fields.Integer(required=True)
    organizing_body = fields.String(allow_none=True)
    scheme = Code(labels.SCHEME, required=True)
    scheme_label = Label(labels.SCHEME)
    awards = Computed(lambda c: list(c.awards), {"type": "array", "items": {"type": "string"}})
    status = Code(labels.STATUS, required=True)
    status_label = Label(labels.STATUS)
    events = fields.List(fields.Nested(EventOut), required=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class EntryOut(ApiSchema):
    id = fields.Integer(required=True)
    event = fields.Integer(attribute="event_id", required=True)
    school = Computed(lambda e: e.school.code, {"type": "string"})
    members = fields.List(fields.String(), required=True)
    instructors = fields.List(fields.String(), required=True)
    award = Code(labels.AWARD, allow_none=True)
    award_label = Label(labels.AWARD)
    rank = fields.Integer(allow_none=True)
    score = fields.Float(allow_none=True)


class ResultsOut(ApiSchema):
    competition = fields.Nested(CompetitionOut, required=True)
    entries = fields.List(fields.Nested(EntryOut), required=True)


class CompetitionQuery(SyncQuery):
    year = fields.Integer(validate=between(1900, 2100), metadata={"description": "Year"})


class StudentIn(ApiSchema):
    student_no = fields.String(required=True, validate=length(min=1, max=30))
    name = fields.String(required=True, validate=length(min=1, max=40))


class EntryIn(ApiSchema):
    school = fields.String(
        validate=length(max=20), metadata={"description": "School code (HR: their own)"}
    )
    teachers = fields.List(Id(), metadata={"description": "Teacher ids"})
    students = fields.List(fields.Nested(StudentIn))
    instructors = fields.List(Id(), metadata={"description": "Instructors' teacher ids"})


class StepIn(ApiSchema):
    reason = fields.String(
        allow_none=True,
        validate=length(max=500),
        metadata={"description": "Needed to publish early: registration still open, or before "
                  "the contest's last day"},
    )  # fmt: skip


class ResultIn(ApiSchema):
    award = Code(labels.AWARD, allow_none=True)
    rank = fields.Integer(strict=True, allow_none=True, validate=between(1, MAX_ID))
    score = fields.Float(allow_none=True, validate=between(0, float(capacity(Entry.score))))
    reason = fields.String(
        allow_none=True,
        validate=length(max=500),
        metadata={"description": "Needed to correct a published result"},
    )


class SheetIn(ApiSchema):
    file = Upload(
        required=True,
        metadata={"description": "The results sheet: .xlsx, .xls, .ods or CSV (UTF-8 or GBK)"},
    )


class ImportReportOut(ApiSchema):
    imported = Boolean(required=True)
    recorded = fields.Integer(required=True)
    errors = fields.List(
        fields.Dict(), required=True, metadata={"description": "{row, column, reason}"}
    )


def entry_json(e: Entry, masked: bool = False) -> dict[str, Any]:
    def name(p):  # type: ignore[no-untyped-def]
        return mask(p.name) if masked and p.student_id else p.name

    return {
        "id": e.id,
        "event_id": e.event_id,
        "school": e.school,
        "members": [name(p) for p in e.members],
        "instructors": [p.name for p in e.instructors],
        "award": e.award,
        "rank": e.rank,
        "score": float(e.score) if e.score is not None else None,
    }


class _Entry:
    """An entry's answer with the names masked as published (dumped by EntryOut)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.__dict__.update(data)


def _competition(competition_id: int) -> Competition:
    return get_visible(Competition, competition_id, _("No such competition."))


@api.route(
    "/competitions",
    methods=["POST"],
    summary="Create a competition (organizers)",
    body=CompetitionIn,
    response=CompetitionOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def create(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    form = validate_json(CompetitionForm, body)
    return services.save_competition(form.data, current_user)


@api.route(
    "/competitions/<int:competition_id>",
    methods=["PUT"],
    summary="Change a competition (organizers)",
    body=CompetitionIn,
    response=CompetitionOut,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def edit(competition_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    competition = _competition(competition_id)
    form = validate_json(CompetitionForm, body)
    return services.save_competition(form.data, current_user, competition)


@api.route(
    "/competitions",
    methods=["GET"],
    summary="The competition catalogue",
    query=CompetitionQuery,
    response=CompetitionOut,
    paged=True,
)
def index(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in READERS)
    statement = select(Competition).order_by(Competition.year.desc(), Competition.id.desc())
    if query.get("year"):
        statement = statement.where(Competition.year == query["year"])
    return sync_order(statement, Competition, query.get("updated_since"))


@api.route(
    "/competitions/<int:competition_id>",
    methods=["GET"],
    summary="One competition with its events",
    response=CompetitionOut,
)
def get(competition_id: int):  # type: ignore[no-untyped-def]
    require(current_user.role in READERS)
    return _competition(competition_id)


@api.route(
    "/competitions/<int:competition_id>/events",
    methods=["POST"],
    summary="Add an event (赛项)",
    body=EventIn,
    response=EventOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def add_event(competition_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    form = validate_json(EventForm, body)
    return services.add_event(_competition(competition_id), form.data, current_user)


@api.route(
    "/events/<int:event_id>/entries",
    methods=["POST"],
    summary="Register an entry: teacher ids, students {student_no, name}, instructor ids",
    body=EntryIn,
    response=EntryOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`: quota, team size, closed…)"},
)
def register(event_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    code = body.get("school") or (current_user.school.code if current_user.school else "")
    school = org.school_by_code(code) if code else None
    if school is None:
        raise ValidationFailed({"school": _("Give the code of an existing school.")})
    people = services.EntryPeople(
        teachers=list(dict.fromkeys(body.get("teachers") or [])),
        students=[(s["student_no"].strip(), s["name"].strip()) for s in body.get("students") or []],
        instructors=list(dict.fromkeys(body.get("instructors") or [])),
    )
    return _Entry(entry_json(services.register_entry(event, school, people, current_user)))


@api.route(
    "/entries/<int:entry_id>/withdraw",
    methods=["POST"],
    summary="Withdraw an entry before entries close (its school's HR, or the organizer)",
    response=EntryOut,
    errors={409: "Entries have closed"},
)
def withdraw(entry_id: int):  # type: ignore[no-untyped-def]
    entry = _entry(entry_id)
    data = entry_json(entry)
    services.withdraw_entry(entry, current_user)
    return _Entry(data)


@api.route(
    "/entries/<int:entry_id>/result",
    methods=["PUT"],
    summary="Record a result (award, rank, score); a published one needs `reason`",
    body=ResultIn,
    response=EntryOut,
    errors={409: "A rule refuses it (`rule_violated`: an award not of this scheme, …)"},
)
def result(entry_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    entry = _entry(entry_id)
    services.record_result(
        entry, body.get("award"), body.get("rank"), body.get("score"), current_user,
        body.get("reason") or "",
    )  # fmt: skip
    return _Entry(entry_json(entry))


def _entry(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("No such entry."))
    return entry


@api.route(
    "/competitions/<int:competition_id>/<any(close, publish):action>",
    methods=["POST"],
    summary="Close the entries, or publish the results (early only with a `reason`)",
    body=StepIn,
    response=CompetitionOut,
    errors={409: "Not possible now (closed or published already, nothing to publish)"},
)
def change_state(competition_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    competition = _competition(competition_id)
    return services.transition(competition, action, current_user, body.get("reason") or "")


@api.route(
    "/competitions/<int:competition_id>/results-import",
    methods=["POST"],
    summary="Import results from the results sheet (the page's template): all rows or none",
    multipart=SheetIn,
    response=ImportReportOut,
    errors={409: "Published results are corrected one by one, with a reason"},
)
def results_import(competition_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.ORGANIZER, Role.ADMIN))
    competition = _competition(competition_id)
    report = results_sheet.import_results(competition, form["file"].stream, current_user)
    return {
        "imported": report.ok,
        "recorded": report.recorded,
        "errors": [{"row": r, "column": c, "reason": str(m)} for r, c, m in report.errors],
    }


@api.route(
    "/competitions/<int:competition_id>/results",
    methods=["GET"],
    public=True,
    summary="Published results (public; organizers see them before publishing)",
    response=ResultsOut,
)
def results(competition_id: int):  # type: ignore[no-untyped-def]
    competition = _competition(competition_id)
    published = competition.status == CompetitionStatus.PUBLISHED
    if not published and not (
        current_user and current_user.is_authenticated and services.is_organizer(current_user)
    ):
        raise NotFound(_("No such competition."))
    masked = published and competition.mask_student_names
    return {
        "competition": competition,
        "entries": [_Entry(entry_json(e, masked=masked)) for e in entries_of(competition)],
    }

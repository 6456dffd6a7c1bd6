"""Competitions in the JSON API."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import org
from core.api import (
    ApiBlueprint,
    get_visible,
    id_list,
    json_body,
    paginated,
    text_value,
    validate_json,
)
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.labels import with_labels
from core.models import Role
from core.permissions import require

from . import labels, services
from .forms import CompetitionForm, EventForm
from .labels import mask
from .models import Competition, CompetitionStatus, Entry, Event
from .results_sheet import entries_of

api = ApiBlueprint("competitions_api", __name__)
READERS = (Role.ORGANIZER, Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)


def competition_json(c: Competition) -> dict[str, Any]:
    return with_labels(
        {
            "id": c.id,
            "name": c.name,
            "series": c.series,
            "level": c.level,
            "year": c.year,
            "organizing_body": c.organizing_body,
            "scheme": c.scheme,
            "awards": list(c.awards),
            "status": c.status,
            "events": [
                {
                    "id": e.id,
                    "name": e.name,
                    "group": e.group,
                    "team": e.team,
                    "min_members": e.min_members,
                    "max_members": e.max_members,
                    "max_instructors": e.max_instructors,
                    "quota_per_school": e.quota_per_school,
                }
                for e in c.events
            ],
        },
        series=labels.SERIES,
        level=labels.LEVEL,
        scheme=labels.SCHEME,
        status=labels.STATUS,
    )


def entry_json(e: Entry, masked: bool = False) -> dict[str, Any]:
    def name(p):  # type: ignore[no-untyped-def]
        return mask(p.name) if masked and p.student_id else p.name

    return {
        "id": e.id,
        "event": e.event_id,
        "school": e.school.code,
        "members": [name(p) for p in e.members],
        "instructors": [p.name for p in e.instructors],
        "award": e.award,
        "rank": e.rank,
        "score": float(e.score) if e.score is not None else None,
    }


def _competition(competition_id: int) -> Competition:
    return get_visible(Competition, competition_id, _("No such competition."))


@api.route(
    "/competitions",
    methods=["POST"],
    summary="Create a competition (organizers)",
    body={"type": "object", "required": ["name", "series", "level", "year", "scheme"]},
    responses={"201": "Created"},
)
def create():  # type: ignore[no-untyped-def]
    form = validate_json(CompetitionForm, json_body())
    return jsonify(competition_json(services.save_competition(form.data, current_user))), 201


@api.route(
    "/competitions",
    methods=["GET"],
    summary="The competition catalogue",
    params={"year": "Year", "page": "Page number", "per_page": "Items per page (≤ 200)"},
)
def index():  # type: ignore[no-untyped-def]
    require(current_user.role in READERS)
    query = select(Competition).order_by(Competition.year.desc(), Competition.id.desc())
    if request.args.get("year", type=int):
        query = query.where(Competition.year == request.args.get("year", type=int))
    return paginated(query, competition_json)


@api.route(
    "/competitions/<int:competition_id>", methods=["GET"], summary="One competition with its events"
)
def get(competition_id: int):  # type: ignore[no-untyped-def]
    require(current_user.role in READERS)
    return jsonify(competition_json(_competition(competition_id)))


@api.route(
    "/competitions/<int:competition_id>/events",
    methods=["POST"],
    summary="Add an event (赛项)",
    body={"type": "object", "required": ["name"]},
    responses={"201": "Created"},
)
def add_event(competition_id: int):  # type: ignore[no-untyped-def]
    form = validate_json(EventForm, json_body())
    event = services.add_event(_competition(competition_id), form.data, current_user)
    return jsonify({"id": event.id, "name": event.name}), 201


@api.route(
    "/events/<int:event_id>/entries",
    methods=["POST"],
    summary="Register an entry: teacher ids, students {student_no, name}, instructor ids",
    body={
        "type": "object",
        "properties": {
            "school": {"type": "string"},
            "teachers": {"type": "array", "items": {"type": "integer"}},
            "students": {"type": "array", "items": {"type": "object"}},
            "instructors": {"type": "array", "items": {"type": "integer"}},
        },
    },
    responses={"201": "Created"},
)
def register(event_id: int):  # type: ignore[no-untyped-def]
    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound(_("No such event."))
    data = json_body()
    code = text_value(data.get("school"), "school") or (
        current_user.school.code if current_user.school else ""
    )
    school = org.school_by_code(code) if code else None
    if school is None:
        raise ValidationFailed({"school": _("Give the code of an existing school.")})
    students = data.get("students") or []
    if not isinstance(students, list) or not all(
        isinstance(s, dict) and {"student_no", "name"} <= set(s) for s in students
    ):
        raise ValidationFailed({"students": _("Teachers by id; students as {student_no, name}.")})
    people = services.EntryPeople(
        teachers=id_list(data.get("teachers"), "teachers"),
        students=[
            (text_value(s["student_no"], "students", max_length=30),
             text_value(s["name"], "students", max_length=40))
            for s in students
        ],
        instructors=id_list(data.get("instructors"), "instructors"),
    )  # fmt: skip
    entry = services.register_entry(event, school, people, current_user)
    return jsonify(entry_json(entry)), 201


@api.route(
    "/entries/<int:entry_id>/result",
    methods=["PUT"],
    summary="Record a result (award, rank, score); a published one needs `reason`",
    body={
        "type": "object",
        "properties": {
            "award": {"type": "string"},
            "rank": {"type": "integer"},
            "score": {"type": "number"},
            "reason": {"type": "string"},
        },
    },
)
def result(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        raise NotFound(_("No such entry."))
    data = json_body()
    services.record_result(
        entry,
        data.get("award"),
        data.get("rank"),
        data.get("score"),
        current_user,
        text_value(data.get("reason"), "reason", max_length=500),
    )
    return jsonify(entry_json(entry))


@api.route(
    "/competitions/<int:competition_id>/publish",
    methods=["POST"],
    summary="Publish the results",
    responses={"409": "Already published, or nothing to publish"},
)
def publish(competition_id: int):  # type: ignore[no-untyped-def]
    competition = _competition(competition_id)
    services.publish(competition, current_user)
    return jsonify(competition_json(competition))


@api.route(
    "/competitions/<int:competition_id>/results",
    methods=["GET"],
    public=True,
    summary="Published results (public; organizers see them before publishing)",
)
def results(competition_id: int):  # type: ignore[no-untyped-def]
    competition = _competition(competition_id)
    published = competition.status == CompetitionStatus.PUBLISHED
    if not published and not (
        current_user and current_user.is_authenticated and services.is_organizer(current_user)
    ):
        raise NotFound(_("No such competition."))
    return jsonify(
        {
            "competition": competition_json(competition),
            "entries": [
                entry_json(e, masked=published and competition.mask_student_names)
                for e in entries_of(competition)
            ],
        }
    )

"""Innovation teams and overseas study in the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.api import ApiBlueprint, get_visible, id_list, json_body, paginated, record_id, text_value
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.labels import with_labels
from core.permissions import school_scope
from teachers.models import Teacher

from . import services
from .forms import LEVELS, TEAM_STATUS
from .models import InnovationTeam, Nomination, OverseasBatch

api = ApiBlueprint("teams_api", __name__)


def team_json(t: InnovationTeam) -> dict[str, Any]:
    return with_labels(
        {
            "id": t.id,
            "school": t.school.code,
            "name": t.name,
            "field": t.field,
            "level_sought": t.level_sought,
            "level": t.level,
            "status": t.status,
            "leader": t.leader_id,
            "project_no": t.project_no,
            "members": [
                {"teacher": m.teacher_id, "name": m.name, "backbone": m.backbone, "kind": m.kind}
                for m in t.members
            ],
            "warnings": services.composition_warnings(t),
        },
        level_sought=LEVELS,
        level=LEVELS,
        status=TEAM_STATUS,
    )


def batch_json(b: OverseasBatch) -> dict[str, Any]:
    return {
        "id": b.id,
        "theme": b.theme,
        "country": b.country,
        "hosts": b.hosts,
        "start_date": b.start_date.isoformat(),
        "end_date": b.end_date.isoformat(),
        "capacity": b.capacity,
        "teams": [t.id for t in b.teams],
        "nominations": [
            {"id": n.id, "teacher": n.teacher_id, "status": n.status} for n in b.nominations
        ],
    }


def _team(team_id: int) -> InnovationTeam:
    return get_visible(InnovationTeam, team_id, _("No such team."), services.can_view_team)


def _date(data: dict[str, Any], key: str) -> date | None:
    try:
        return date.fromisoformat(str(data[key])) if data.get(key) else None
    except ValueError:
        raise ValidationFailed({key: _("Enter a date as YYYY-MM-DD.")}) from None


@api.route(
    "/teams",
    methods=["GET"],
    summary="Innovation teams visible to the user",
    params={"status": "Status", "page": "Page number", "per_page": "Items per page (≤ 200)"},
)
def teams():  # type: ignore[no-untyped-def]
    query = select(InnovationTeam).where(school_scope(current_user, InnovationTeam.school_id))
    if request.args.get("status"):
        query = query.where(InnovationTeam.status == request.args["status"])
    return paginated(query.order_by(InnovationTeam.id.desc()), team_json)


@api.route(
    "/teams",
    methods=["POST"],
    summary="Apply for a team (a draft): leader and members by teacher id",
    body={"type": "object", "required": ["name", "field", "level_sought", "leader"]},
    responses={"201": "Created"},
)
def create_team():  # type: ignore[no-untyped-def]
    data = json_body()
    listed = data.get("members") or []
    if not isinstance(listed, list) or not all(isinstance(m, dict) for m in listed):
        raise ValidationFailed({"members": _("Members are objects.")})
    members = [
        services.MemberInput(
            teacher_id=record_id(m.get("teacher"), "members", required=False),
            name=text_value(m.get("name"), "members", max_length=40),
            employer=text_value(m.get("employer"), "members", max_length=120),
            kind=text_value(m.get("kind"), "members", max_length=20) or "partner",
            backbone=bool(m.get("backbone")),
        )
        for m in listed
    ]
    data["leader"] = record_id(data.get("leader"), "leader")
    if current_user.school is None:
        raise ValidationFailed({}, _("School HR applies for their own school's teams."))
    team = services.save_team(
        current_user.school, {**data, "leader_id": data.get("leader")}, members, current_user
    )
    return jsonify(team_json(team)), 201


@api.route(
    "/teams/<int:team_id>", methods=["GET"], summary="One team, with the composition warnings"
)
def get_team(team_id: int):  # type: ignore[no-untyped-def]
    return jsonify(team_json(_team(team_id)))


@api.route(
    "/teams/<int:team_id>/<any(apply, approve, reject, start, accept, fail, withdraw):action>",
    methods=["POST"],
    summary="Move a team through its life cycle "
    "(approve takes project_no, building_start, building_end, level)",
    responses={"409": "Not possible now"},
)
def act(team_id: int, action: str):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    data = request.get_json(silent=True) or {}
    if action == "accept" and team.status == "approved":
        services.move_team(team, "start", current_user) if services.is_school_hr(
            current_user, team.school_id
        ) else None
    services.move_team(
        team,
        action,
        current_user,
        str(data.get("reason") or ""),
        str(data.get("project_no") or ""),
        _date(data, "building_start"),
        _date(data, "building_end"),
        data.get("level"),
    )
    return jsonify(team_json(team))


@api.route(
    "/overseas-batches",
    methods=["GET"],
    summary="Overseas study batches",
    params={"page": "Page number", "per_page": "Items per page (≤ 200)"},
)
def batches():  # type: ignore[no-untyped-def]
    return paginated(select(OverseasBatch).order_by(OverseasBatch.start_date.desc()), batch_json)


@api.route(
    "/overseas-batches",
    methods=["POST"],
    summary="Create a batch (bureau or school)",
    body={"type": "object", "required": ["theme", "country", "start_date", "end_date", "capacity"]},
    responses={"201": "Created"},
)
def create_batch():  # type: ignore[no-untyped-def]
    data = json_body()
    values = {**data, "start_date": _date(data, "start_date"), "end_date": _date(data, "end_date")}
    if not values["start_date"] or not values["end_date"]:
        raise ValidationFailed({"start_date": _("This field is required.")})
    batch = services.create_batch(values, id_list(data.get("teams"), "teams"), current_user)
    return jsonify(batch_json(batch)), 201


@api.route(
    "/overseas-batches/<int:batch_id>/nominations",
    methods=["POST"],
    summary="Nominate a teacher (by id)",
    body={"type": "object", "required": ["teacher"]},
    responses={"201": "Created"},
)
def nominate(batch_id: int):  # type: ignore[no-untyped-def]
    batch = db.session.get(OverseasBatch, batch_id)
    teacher = db.session.get(Teacher, record_id(json_body().get("teacher"), "teacher"))
    if batch is None or teacher is None:
        raise NotFound(_("No such batch or teacher."))
    nomination = services.nominate(batch, teacher, current_user)
    return jsonify({"id": nomination.id, "status": nomination.status}), 201


def _nomination(nomination_id: int) -> Nomination:
    return get_visible(Nomination, nomination_id, _("No such nomination."))


@api.route(
    "/nominations/<int:nomination_id>/<any(select, decline, confirm):action>",
    methods=["POST"],
    summary="The bureau selects or declines; the teacher confirms",
    responses={"409": "Not possible now"},
)
def decide(nomination_id: int, action: str):  # type: ignore[no-untyped-def]
    nomination = _nomination(nomination_id)
    services.decide_nomination(nomination, action, current_user)
    return jsonify({"id": nomination.id, "status": nomination.status})


@api.route(
    "/nominations/<int:nomination_id>/report",
    methods=["POST"],
    summary="File the report after the return (multipart: summary, report file)",
)
def report(nomination_id: int):  # type: ignore[no-untyped-def]
    nomination = _nomination(nomination_id)
    services.file_report(
        nomination, request.form.get("summary", ""), request.files.get("report"), current_user
    )
    return jsonify({"id": nomination.id, "status": nomination.status})

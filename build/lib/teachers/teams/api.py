"""Innovation teams and overseas study in the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import select

from core.api import ApiBlueprint, SyncQuery, get_visible
from core.db import sync_order
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.permissions import school_scope
from core.schemas import (
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
    one_of,
)
from teachers.models import Teacher

from . import services
from .forms import LEVELS, TEAM_STATUS, BatchForm
from .models import InnovationTeam, Nomination, OverseasBatch

api = ApiBlueprint("teams_api", __name__)
MEMBER_KINDS = ["teacher", "partner", "enterprise"]


class MemberOut(ApiSchema):
    teacher = fields.Integer(attribute="teacher_id", allow_none=True)
    name = fields.String(required=True)
    backbone = Boolean(required=True)
    kind = fields.String(required=True)


class TeamOut(ApiSchema):
    id = fields.Integer(required=True)
    school = Computed(lambda t: t.school.code, {"type": "string"})
    name = fields.String(required=True)
    field = fields.String(required=True)
    level_sought = Code(LEVELS, required=True)
    level_sought_label = Label(LEVELS)
    level = Code(LEVELS, allow_none=True)
    level_label = Label(LEVELS)
    status = Code(TEAM_STATUS, required=True)
    status_label = Label(TEAM_STATUS)
    leader = fields.Integer(attribute="leader_id", allow_none=True)
    project_no = fields.String(allow_none=True)
    members = fields.List(fields.Nested(MemberOut), required=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})
    warnings = Computed(
        lambda t: [str(w) for w in services.composition_warnings(t)],
        {"type": "array", "items": {"type": "string"}},
    )


class MemberIn(ApiSchema):
    teacher = Id(allow_none=True, metadata={"description": "A teacher of the school, by id"})
    name = fields.String(validate=length(max=40), metadata={"description": "From outside"})
    employer = fields.String(validate=length(max=120))
    kind = fields.String(load_default="partner", validate=one_of(MEMBER_KINDS))
    backbone = Boolean(load_default=False)


class TeamIn(ApiSchema):
    name = fields.String(required=True, validate=length(min=1, max=120))
    field = fields.String(required=True, validate=length(min=1, max=80))
    level_sought = Code(LEVELS, required=True)
    leader = Id(required=True, metadata={"description": "The leader's teacher id"})
    members = fields.List(fields.Nested(MemberIn))
    plan = fields.String(allow_none=True, validate=length(max=8000))


class TeamStepIn(ApiSchema):
    reason = fields.String(allow_none=True, validate=length(max=500))
    project_no = fields.String(allow_none=True, validate=length(max=60))
    building_start = fields.Date(allow_none=True)
    building_end = fields.Date(allow_none=True)
    level = Code(LEVELS, allow_none=True)


class LevelIn(ApiSchema):
    level = Code(LEVELS, required=True)
    note = fields.String(allow_none=True, validate=length(max=500))


class DocumentIn(ApiSchema):
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG, at most 10 MB"})


class TeamReportIn(ApiSchema):
    year = fields.Integer(validate=between(2000, 2100), metadata={"description": "Default: now"})
    summary = fields.String(validate=length(max=4000))
    file = Upload(metadata={"description": "PDF, JPEG or PNG, at most 10 MB"})


class ReturnReportIn(ApiSchema):
    summary = fields.String(validate=length(max=4000))
    report = Upload(required=True, metadata={"description": "PDF, JPEG or PNG, at most 10 MB"})


class TeamQuery(SyncQuery):
    status = Code(TEAM_STATUS)


class NominationOut(ApiSchema):
    id = fields.Integer(required=True)
    teacher = fields.Integer(attribute="teacher_id", required=True)
    status = fields.String(required=True)


class BatchOut(ApiSchema):
    id = fields.Integer(required=True)
    theme = fields.String(required=True)
    country = fields.String(required=True)
    hosts = fields.String(allow_none=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    capacity = fields.Integer(required=True)
    teams = Computed(
        lambda b: [t.id for t in b.teams], {"type": "array", "items": {"type": "integer"}}
    )
    nominations = fields.List(fields.Nested(NominationOut), required=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


OverseasBatchIn = form_schema(
    BatchForm,
    "OverseasBatchIn",
    extra={"teams": fields.List(Id(), metadata={"description": "Team ids going together"})},
)


class NominateIn(ApiSchema):
    teacher = Id(required=True)


def _team(team_id: int) -> InnovationTeam:
    return get_visible(InnovationTeam, team_id, _("No such team."), services.can_view_team)


@api.route(
    "/teams",
    methods=["GET"],
    summary="Innovation teams visible to the user",
    query=TeamQuery,
    response=TeamOut,
    paged=True,
)
def teams(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = select(InnovationTeam).where(school_scope(current_user, InnovationTeam.school_id))
    if query.get("status"):
        statement = statement.where(InnovationTeam.status == query["status"])
    if query.get("updated_since") is None:
        statement = statement.order_by(InnovationTeam.id.desc())
    return sync_order(statement, InnovationTeam, query.get("updated_since"))


@api.route(
    "/teams",
    methods=["POST"],
    summary="Apply for a team (a draft): leader and members by teacher id",
    body=TeamIn,
    response=TeamOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def create_team(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    members = [
        services.MemberInput(
            teacher_id=m.get("teacher"),
            name=(m.get("name") or "").strip(),
            employer=(m.get("employer") or "").strip(),
            kind=m.get("kind") or "partner",
            backbone=bool(m.get("backbone")),
        )
        for m in body.pop("members", None) or []
    ]
    if current_user.school is None:
        raise ValidationFailed({}, _("School HR applies for their own school's teams."))
    return services.save_team(
        current_user.school, {**body, "leader_id": body["leader"]}, members, current_user
    )


@api.route(
    "/teams/<int:team_id>",
    methods=["GET"],
    summary="One team, with the composition warnings",
    response=TeamOut,
)
def get_team(team_id: int):  # type: ignore[no-untyped-def]
    return _team(team_id)


@api.route(
    "/teams/<int:team_id>/<any(apply, approve, reject, start, accept, fail, withdraw):action>",
    methods=["POST"],
    summary="Move a team through its life cycle "
    "(approve takes project_no, building_start, building_end, level)",
    body=TeamStepIn,
    response=TeamOut,
    errors={409: "Not possible now (`invalid_transition`), or a rule refuses it"},
)
def act(team_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    hr = services.is_school_hr(current_user, team.school_id)
    if action == "accept" and team.status == "approved" and hr:
        services.move_team(team, "start", current_user)
    services.move_team(
        team,
        action,
        current_user,
        body.get("reason") or "",
        body.get("project_no") or "",
        body.get("building_start"),
        body.get("building_end"),
        body.get("level"),
    )
    return team


@api.route(
    "/teams/<int:team_id>/application",
    methods=["POST"],
    summary="Upload the team's application document (before applying)",
    multipart=DocumentIn,
    response=TeamOut,
    errors={409: "Only a draft's document can be replaced"},
)
def application(team_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    services.attach_application(team, form["file"], current_user)
    return team


@api.route(
    "/teams/<int:team_id>/level",
    methods=["POST"],
    summary="The bureau recognises the team at a higher level (history kept)",
    body=LevelIn,
    response=TeamOut,
    errors={409: "Not an approved team, or not a higher level"},
)
def raise_level(team_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    services.raise_level(team, body["level"], body.get("note") or "", current_user)
    return team


@api.route(
    "/teams/<int:team_id>/reports",
    methods=["POST"],
    summary="File the team's annual report (HR)",
    multipart=TeamReportIn,
    response=TeamOut,
    status=201,
    errors={409: "Annual reports are for teams under construction"},
)
def add_report(team_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    year = form.get("year") or date.today().year
    services.add_report(team, year, form.get("summary") or "", form.get("file"), current_user)
    return team


@api.route(
    "/overseas-batches",
    methods=["GET"],
    summary="Overseas study batches",
    query=SyncQuery,
    response=BatchOut,
    paged=True,
)
def batches(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = select(OverseasBatch)
    if query.get("updated_since") is None:
        statement = statement.order_by(OverseasBatch.start_date.desc())
    return sync_order(statement, OverseasBatch, query.get("updated_since"))


@api.route(
    "/overseas-batches",
    methods=["POST"],
    summary="Create a batch (bureau or school)",
    body=OverseasBatchIn,
    response=BatchOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def create_batch(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teams = list(dict.fromkeys(body.pop("teams", None) or []))
    return services.create_batch(body, teams, current_user)


@api.route(
    "/overseas-batches/<int:batch_id>/nominations",
    methods=["POST"],
    summary="Nominate a teacher (by id)",
    body=NominateIn,
    response=NominationOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`: nominated already, not eligible)"},
)
def nominate(batch_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    batch = db.session.get(OverseasBatch, batch_id)
    teacher = db.session.get(Teacher, body["teacher"])
    if batch is None or teacher is None:
        raise NotFound(_("No such batch or teacher."))
    return services.nominate(batch, teacher, current_user)


def _nomination(nomination_id: int) -> Nomination:
    return get_visible(Nomination, nomination_id, _("No such nomination."))


@api.route(
    "/nominations/<int:nomination_id>/<any(select, decline, confirm):action>",
    methods=["POST"],
    summary="The bureau selects or declines; the teacher confirms",
    response=NominationOut,
    errors={409: "Not possible now"},
)
def decide(nomination_id: int, action: str):  # type: ignore[no-untyped-def]
    nomination = _nomination(nomination_id)
    services.decide_nomination(nomination, action, current_user)
    return nomination


@api.route(
    "/nominations/<int:nomination_id>/report",
    methods=["POST"],
    summary="File the report after the return",
    multipart=ReturnReportIn,
    response=NominationOut,
    errors={409: "Only a teacher who went files a report, after the return"},
)
def report(nomination_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    nomination = _nomination(nomination_id)
    services.file_report(nomination, form.get("summary") or "", form["report"], current_user)
    return nomination

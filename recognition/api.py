"""Recognitions in the JSON API."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate
from sqlalchemy import select

from core.api import ApiBlueprint, SyncQuery, get_visible
from core.api_v1 import TaskOut, task_json
from core.bulk import BulkIn, OutcomesOut, outcomes_json
from core.db import sync_order
from core.errors import NotFound
from core.extensions import db
from core.models import Role, School
from core.permissions import newest_first, require
from core.schemas import ApiSchema, Boolean, Code, Id, Label, Timestamp, between, length, one_of
from teachers.api import TeacherRefOut
from teachers.models import Teacher

from . import labels, services
from . import tasks as batch_tasks
from .models import Recognition

api = ApiBlueprint("recognition_api", __name__)


class RecognitionOut(ApiSchema):
    id = fields.Integer(required=True)
    kind = Code(labels.KIND, required=True)
    kind_label = Label(labels.KIND)
    teacher = fields.Nested(TeacherRefOut, required=True)
    status = Code(labels.STATUS, required=True)
    status_label = Label(labels.STATUS)
    tier = Code(labels.TIER, allow_none=True)
    tier_label = Label(labels.TIER)
    basis = fields.String(allow_none=True)
    source_entry = fields.Integer(attribute="source_entry_id", allow_none=True)
    flagged = Boolean(allow_none=True)
    certificate_no = fields.String(allow_none=True)
    confirmed_on = fields.Date(allow_none=True)
    recheck_due = fields.Date(allow_none=True)
    notice_until = fields.Date(allow_none=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class RecognitionQuery(SyncQuery):
    kind = Code(labels.KIND)
    status = Code(labels.STATUS)
    school = fields.String(metadata={"description": "School code"})


class CertificateBatchIn(ApiSchema):
    kind = Code(labels.KIND, load_default="d_class")
    fmt = fields.String(load_default="pdf", validate=one_of(["pdf", "zip"]))
    since = fields.Date(allow_none=True, metadata={"description": "Confirmed since"})


class BulkDecisionIn(BulkIn):
    action = fields.String(required=True, validate=one_of(["confirm", "reject"]))
    reason = fields.String(
        allow_none=True, validate=length(max=500), metadata={"description": "Needed to reject"}
    )


class RecognitionStepIn(ApiSchema):
    reason = fields.String(
        allow_none=True,
        validate=length(max=500),
        metadata={"description": "Needed to reject, to return and to object"},
    )


class ApplyIn(ApiSchema):
    tier = fields.String(
        required=True, validate=validate.OneOf(["junior", "intermediate", "senior"])
    )
    note = fields.String(allow_none=True, validate=length(max=2000))


@api.route(
    "/recognitions",
    methods=["GET"],
    summary="Recognitions visible to the user",
    query=RecognitionQuery,
    response=RecognitionOut,
    paged=True,
)
def index(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = services.visible(current_user)
    if query.get("kind"):
        statement = statement.where(Recognition.kind == query["kind"])
    if query.get("status"):
        statement = statement.where(Recognition.status == query["status"])
    if query.get("school"):
        statement = statement.where(
            Teacher.school_id.in_(select(School.id).where(School.code == query["school"]))
        )
    if query.get("updated_since") is None:
        narrowed = bool(query.get("school"))
        statement = newest_first(statement, Recognition.id, current_user, narrowed)
    return sync_order(statement, Recognition, query.get("updated_since"))


def _get(recognition_id: int) -> Recognition:
    return get_visible(Recognition, recognition_id, _("No such recognition."), services.can_view)


@api.route(
    "/recognitions/certificates",
    methods=["POST"],
    summary="Start a batch of confirmed certificates (bureau, admin); follow it at /tasks/{id}",
    body=CertificateBatchIn,
    response=TaskOut,
    status=202,
    errors={409: "No confirmed certificates to print (`rule_violated`)"},
)
def certificate_batch(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.BUREAU, Role.ADMIN))
    data = {**body, "since": body["since"].isoformat() if body.get("since") else ""}
    return task_json(batch_tasks.start_batch(current_user, data, request.url_root))


@api.route(
    "/recognitions/<int:recognition_id>",
    methods=["GET"],
    summary="One recognition",
    response=RecognitionOut,
)
def get(recognition_id: int):  # type: ignore[no-untyped-def]
    return _get(recognition_id)


@api.route(
    "/recognitions/<int:recognition_id>/"
    "<any(confirm, reject, pass, return, resubmit, object, finalize):action>",
    methods=["POST"],
    summary="A step of a recognition: the bureau confirms (a dual-qualified application enters "
    "its notice) or rejects; the school passes it to the bureau or returns it to the teacher; the "
    "teacher resubmits; an objection during the notice is recorded; the bureau finalizes",
    body=RecognitionStepIn,
    response=RecognitionOut,
    errors={409: "Not waiting for this step (`invalid_transition`), or a reason is missing"},
)
def decide(recognition_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    r = _get(recognition_id)
    return services.transition(r, action, current_user, body.get("reason") or "")


@api.route(
    "/recognitions/bulk",
    methods=["POST"],
    summary="The bureau confirms or rejects several cases; each is decided on its own",
    body=BulkDecisionIn,
    response=OutcomesOut,
)
def bulk_decide(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.BUREAU, Role.ADMIN))
    ids = list(dict.fromkeys(body["ids"]))
    outcomes = services.decide_many(ids, body["action"], body.get("reason") or "", current_user)
    return outcomes_json(outcomes)


@api.route(
    "/recognitions/apply",
    methods=["POST"],
    summary="A teacher applies for a dual-qualified tier (a note is required where the records "
    "fall short of it)",
    body=ApplyIn,
    response=RecognitionOut,
    status=201,
    errors={409: "An application is in progress, or a note is needed (`rule_violated`)"},
)
def apply(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.TEACHER and current_user.teacher is not None)
    return services.apply(current_user.teacher, body["tier"], current_user, body.get("note") or "")


@api.route(
    "/recognitions/<int:recognition_id>/withdraw",
    methods=["POST"],
    summary="The teacher withdraws their application before the school decides",
    response=RecognitionOut,
    errors={409: "The school has decided already (`invalid_transition`)"},
)
def withdraw(recognition_id: int):  # type: ignore[no-untyped-def]
    r = _get(recognition_id)
    services.withdraw(r, current_user)
    return r


class EthicsIn(ApiSchema):
    teacher = Id(required=True, metadata={"description": "A teacher of the HR officer's school"})
    year = fields.Integer(strict=True, required=True, validate=between(2000, 2100))
    passed = Boolean(required=True)
    penalty_until = fields.Date(allow_none=True, metadata={"description": "When not passed"})
    note = fields.String(allow_none=True, validate=length(max=500))


class EthicsOut(ApiSchema):
    teacher = fields.Integer(attribute="teacher_id", required=True)
    year = fields.Integer(required=True)
    passed = Boolean(required=True)
    penalty_until = fields.Date(allow_none=True)


@api.route(
    "/ethics-results",
    methods=["POST"],
    summary="HR records a teacher's yearly ethics assessment (师德考核); a failure suspends "
    "their recognitions",
    body=EthicsIn,
    response=EthicsOut,
    status=201,
)
def record_ethics(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.SCHOOL_HR)
    teacher = db.session.get(Teacher, body["teacher"])
    if teacher is None or teacher.school_id != current_user.school_id:
        raise NotFound(_("No such teacher at your school."))
    return services.record_ethics(
        teacher, body["year"], body["passed"], body.get("penalty_until"), body.get("note") or "",
        current_user,
    )  # fmt: skip

"""Recognitions in the JSON API."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.api import ApiBlueprint, get_visible, json_body, paginated
from core.bulk import BODY_SCHEMA, ids_from_json, outcomes_json
from core.labels import with_labels
from core.models import Role, School
from core.permissions import require
from core.views.tasks import task_state
from teachers.models import Teacher

from . import labels, services
from . import tasks as batch_tasks
from .models import Kind, Recognition, Status

api = ApiBlueprint("recognition_api", __name__)


def recognition_json(r: Recognition) -> dict[str, Any]:
    return with_labels(
        {
            "id": r.id,
            "kind": r.kind,
            "teacher": {
                "id": r.teacher_id,
                "name": r.teacher.name,
                "school": r.teacher.school.code,
            },
            "status": r.status,
            "tier": r.tier,
            "basis": r.basis,
            "source_entry": r.source_entry_id,
            "flagged": r.flagged,
            "certificate_no": r.certificate_no,
            "confirmed_on": r.confirmed_on.isoformat() if r.confirmed_on else None,
            "recheck_due": r.recheck_due.isoformat() if r.recheck_due else None,
            "notice_until": r.notice_until.isoformat() if r.notice_until else None,
        },
        kind=labels.KIND,
        status=labels.STATUS,
        tier=labels.TIER,
    )


@api.route(
    "/recognitions",
    methods=["GET"],
    summary="Recognitions visible to the user",
    params={
        "kind": "d_class or dual_qualified",
        "status": "Status",
        "school": "School code",
        "page": "Page number",
        "per_page": "Items per page (≤ 200)",
    },
)
def index():  # type: ignore[no-untyped-def]
    query = services.visible(current_user)
    if request.args.get("kind") in set(Kind):
        query = query.where(Recognition.kind == request.args["kind"])
    if request.args.get("status") in set(Status):
        query = query.where(Recognition.status == request.args["status"])
    if request.args.get("school"):
        query = query.where(
            Teacher.school_id.in_(select(School.id).where(School.code == request.args["school"]))
        )
    return paginated(query.order_by(Recognition.id.desc()), recognition_json)


def _get(recognition_id: int) -> Recognition:
    return get_visible(Recognition, recognition_id, _("No such recognition."), services.can_view)


@api.route(
    "/recognitions/certificates",
    methods=["POST"],
    summary="Start a batch of confirmed certificates (bureau, admin); follow it at /tasks/{id}",
    body={
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": [k.value for k in Kind], "default": "d_class"},
            "fmt": {"type": "string", "enum": ["pdf", "zip"], "default": "pdf"},
            "since": {"type": "string", "format": "date", "description": "Confirmed since"},
        },
    },
    responses={"202": "The task, queued"},
)
def certificate_batch():  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.BUREAU, Role.ADMIN))
    task = batch_tasks.start_batch(current_user, json_body(), request.url_root)
    return jsonify(task_state(task, "core_api.task_file")), 202


@api.route("/recognitions/<int:recognition_id>", methods=["GET"], summary="One recognition")
def get(recognition_id: int):  # type: ignore[no-untyped-def]
    return jsonify(recognition_json(_get(recognition_id)))


@api.route(
    "/recognitions/<int:recognition_id>/<any(confirm, reject):action>",
    methods=["POST"],
    summary="The bureau confirms (a dual-qualified application enters its notice) or rejects",
    body={"type": "object", "properties": {"reason": {"type": "string"}}},
    responses={"409": "Not waiting for this decision"},
)
def decide(recognition_id: int, action: str):  # type: ignore[no-untyped-def]
    r = _get(recognition_id)
    if action == "confirm":
        services.confirm(r, current_user)
    else:
        services.reject(
            r, str((request.get_json(silent=True) or {}).get("reason") or ""), current_user
        )
    return jsonify(recognition_json(r))


@api.route(
    "/recognitions/bulk",
    methods=["POST"],
    summary="The bureau confirms or rejects several cases; each is decided on its own",
    body={
        **BODY_SCHEMA,
        "required": ["ids", "action"],
        "properties": {
            **BODY_SCHEMA["properties"],
            "action": {"type": "string", "enum": ["confirm", "reject"]},
            "reason": {"type": "string", "description": "Needed to reject"},
        },
    },
)
def bulk_decide():  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.BUREAU, Role.ADMIN))
    body = json_body()
    outcomes = services.decide_many(
        ids_from_json(body), str(body.get("action", "")), str(body.get("reason", "")), current_user
    )
    return jsonify(outcomes_json(outcomes))


@api.route(
    "/recognitions/apply",
    methods=["POST"],
    summary="A teacher applies for a dual-qualified tier (a note is required where the records "
    "fall short of it)",
    body={
        "type": "object",
        "required": ["tier"],
        "properties": {
            "tier": {"type": "string", "enum": ["junior", "intermediate", "senior"]},
            "note": {"type": "string"},
        },
    },
    responses={"201": "Applied", "403": "Not a teacher", "409": "An application is in progress"},
)
def apply():  # type: ignore[no-untyped-def]
    require(current_user.role == Role.TEACHER and current_user.teacher is not None)
    data = json_body()
    r = services.apply(
        current_user.teacher, str(data.get("tier") or ""), current_user, str(data.get("note") or "")
    )
    return jsonify(recognition_json(r)), 201


@api.route(
    "/recognitions/<int:recognition_id>/withdraw",
    methods=["POST"],
    summary="The teacher withdraws their application before the school decides",
    responses={"409": "The school has decided already"},
)
def withdraw(recognition_id: int):  # type: ignore[no-untyped-def]
    r = _get(recognition_id)
    services.withdraw(r, current_user)
    return jsonify(recognition_json(r))

"""Placements in the JSON API: the same services as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select

from core.api import ApiBlueprint, get_visible, json_body, paginated, record_id, validate_json
from core.bulk import BODY_SCHEMA, ids_from_json, outcomes_json
from core.errors import Conflict, NotFound, ValidationFailed
from core.extensions import db
from core.labels import with_labels
from core.models import Role, School
from core.permissions import require
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from . import labels, ledger, services
from .forms import PlacementForm
from .models import Enterprise, EvidenceKind, Placement, PlacementStatus
from .permissions import can_edit, can_log_for, can_view, visible_placements

api = ApiBlueprint("placements_api", __name__)

PLACEMENT_BODY = {
    "type": "object",
    "required": ["credit_code", "post", "form", "start_date", "end_date"],
    "properties": {
        "teacher": {
            "type": "integer",
            "description": "Teacher id (HR only; a teacher logs their own)",
        },
        "credit_code": {"type": "string", "description": "统一社会信用代码 of the host enterprise"},
        "enterprise_name": {"type": "string", "description": "Needed when the code is new"},
        "industry": {"type": "string"},
        "post": {"type": "string"},
        "form": {"type": "string", "enum": ["visit", "training", "post", "rnd", "other"]},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "days": {"type": "number"},
        "hours": {"type": "number", "description": "Converted to days when days are absent"},
        "mentor_name": {"type": "string"},
        "mentor_phone": {"type": "string"},
        "description": {"type": "string"},
    },
}
REASON_BODY = {"type": "object", "properties": {"reason": {"type": "string"}}}


def placement_json(p: Placement) -> dict[str, Any]:
    return with_labels(
        {
            "id": p.id,
            "teacher": {
                "id": p.teacher_id,
                "name": p.teacher.name,
                "school": p.teacher.school.code,
            },
            "enterprise": {"name": p.enterprise.name, "credit_code": p.enterprise.credit_code},
            "post": p.post,
            "form": p.form,
            "start_date": p.start_date.isoformat(),
            "end_date": p.end_date.isoformat(),
            "days": float(p.days),
            "hours": float(p.hours) if p.hours is not None else None,
            "status": p.status,
            "confirmation": p.confirmation,
            "decision_note": p.decision_note,
            "revision": p.revision,
            "evidence": [
                {"id": e.id, "kind": e.kind, "name": e.upload.original_name} for e in p.evidence
            ],
        },
        form=labels.FORM,
        status=labels.STATUS,
        confirmation=labels.CONFIRMATION,
    )


@api.route(
    "/placements",
    methods=["POST"],
    summary="Log a placement (saved as a draft)",
    body=PLACEMENT_BODY,
    responses={"201": "Created"},
)
def create():  # type: ignore[no-untyped-def]
    data = json_body()
    teacher_id = data.pop("teacher", None)
    teacher = (
        current_user.teacher
        if current_user.role == Role.TEACHER
        else db.session.get(Teacher, record_id(teacher_id, "teacher"))
    )
    if teacher is None:
        raise NotFound(_("No such teacher."))
    require(can_log_for(current_user, teacher))
    form = validate_json(PlacementForm, data)
    enterprise = services.find_or_add_enterprise(
        form.credit_code.data, form.enterprise_name.data, current_user, form.industry.data or ""
    )
    placement = services.save_draft(teacher, enterprise, form.data, current_user)
    return jsonify(placement_json(placement)), 201


@api.route(
    "/placements",
    methods=["GET"],
    summary="Placements visible to the user",
    params={
        "teacher": "Teacher id",
        "school": "School code",
        "status": "Status",
        "page": "Page number",
        "per_page": "Items per page (≤ 200)",
    },
)
def index():  # type: ignore[no-untyped-def]
    query = visible_placements(current_user)
    if request.args.get("teacher"):
        teacher_id = record_id(request.args.get("teacher"), "teacher")
        query = query.where(Placement.teacher_id == teacher_id)
    if request.args.get("school"):
        query = query.where(
            Teacher.school_id.in_(select(School.id).where(School.code == request.args["school"]))
        )
    if request.args.get("status") in set(PlacementStatus):
        query = query.where(Placement.status == request.args["status"])
    return paginated(query.order_by(Placement.id.desc()), placement_json)


def _placement(placement_id: int) -> Placement:
    return get_visible(Placement, placement_id, _("No such placement."), can_view)


@api.route("/placements/<int:placement_id>", methods=["GET"], summary="One placement")
def get(placement_id: int):  # type: ignore[no-untyped-def]
    return jsonify(placement_json(_placement(placement_id)))


@api.route(
    "/placements/<int:placement_id>/<any(submit, withdraw, approve, reject, return):action>",
    methods=["POST"],
    summary="Move a placement through its workflow (reject and return need a reason)",
    body=REASON_BODY,
    responses={"409": "Not possible in the current state"},
)
def act(placement_id: int, action: str):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    data = request.get_json(silent=True) or {}
    services.transition(placement, action, current_user, str(data.get("reason") or ""))
    return jsonify(placement_json(placement))


@api.route(
    "/teachers/<int:teacher_id>/practice",
    methods=["GET"],
    summary="The practice ledger: days in the 5-year window against the requirement",
)
def practice(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.session.get(Teacher, teacher_id)
    if teacher is None:
        raise NotFound(_("No such teacher."))
    require(can_view_teacher(current_user, teacher))
    return jsonify(ledger.summary(teacher).as_json())


@api.route(
    "/enterprises",
    methods=["GET"],
    summary="Enterprise directory, by name or credit code",
    params={
        "q": "Name contains, or code starts with",
        "page": "Page number",
        "per_page": "Items per page (≤ 200)",
    },
)
def enterprises():  # type: ignore[no-untyped-def]
    q = (request.args.get("q") or "").strip()
    query = select(Enterprise).order_by(Enterprise.name)
    if q:
        query = query.where(
            or_(Enterprise.name.contains(q), Enterprise.credit_code.startswith(q.upper()))
        )
    return paginated(
        query,
        lambda e: {
            "id": e.id,
            "name": e.name,
            "credit_code": e.credit_code,
            "industry": e.industry,
        },
    )


@api.route(
    "/placements/bulk-approve",
    methods=["POST"],
    summary="HR approves several placements; each is checked on its own (done / refused, why)",
    body=BODY_SCHEMA,
)
def bulk_approve():  # type: ignore[no-untyped-def]
    require(current_user.role == Role.SCHOOL_HR)
    outcomes = services.approve_many(ids_from_json(json_body()), current_user)
    return jsonify(outcomes_json(outcomes))


@api.route(
    "/placements/<int:placement_id>",
    methods=["DELETE"],
    summary="Delete a draft placement (its teacher, or HR logging for them)",
    responses={"204": "Deleted", "409": "Not a draft"},
)
def delete(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    services.delete_draft(placement, current_user)
    return "", 204


@api.route(
    "/placements/<int:placement_id>/evidence",
    methods=["POST"],
    summary="Add a file of evidence to a draft or returned placement (multipart/form-data: "
    "kind = agreement, attendance, assessment or other; file = PDF, JPEG or PNG ≤ 10 MB)",
    responses={"201": "Added", "409": "Not a draft or returned placement"},
)
def add_evidence(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(can_edit(current_user, placement))
    if placement.status not in ("draft", "returned"):
        raise Conflict(_("Evidence is added to a draft or a returned placement."))
    kind = request.form.get("kind") or ""
    upload = request.files.get("file")
    errors = {}
    if kind not in {k.value for k in EvidenceKind}:
        kinds = "、".join(f"{k.value}（{v}）" for k, v in labels.EVIDENCE.items())
        errors["kind"] = _("Choose one of: %(kinds)s.", kinds=kinds)
    if upload is None or not upload.filename:
        errors["file"] = _("Choose a file.")
    if errors:
        raise ValidationFailed(errors)
    evidence = services.add_evidence(placement, kind, upload, current_user)
    body = {"id": evidence.id, "kind": evidence.kind, "name": evidence.upload.original_name}
    return jsonify(body), 201

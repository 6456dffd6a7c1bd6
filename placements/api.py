"""Placements in the JSON API: the same services as the pages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import or_, select

from core.api import ApiBlueprint, SyncQuery, get_visible, validate_json
from core.bulk import BulkIn, OutcomesOut, outcomes_json
from core.db import sync_order
from core.errors import NotFound, ValidationFailed
from core.extensions import db
from core.models import Role, School
from core.permissions import newest_first, require
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
from teachers.api import TeacherRefOut
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from . import labels, ledger, mentor, services
from .forms import CorrectionForm, PlacementForm
from .models import Enterprise, Placement, PlacementEvidence
from .permissions import can_edit, can_log_for, can_view, is_school_hr, visible_placements

api = ApiBlueprint("placements_api", __name__)

PlacementIn = form_schema(
    PlacementForm,
    "PlacementIn",
    extra={"teacher": Id(metadata={"description": "Teacher id (HR; a teacher logs their own)"})},
)
PlacementPatch = form_schema(PlacementForm, "PlacementPatch", partial=True)
CorrectionIn = form_schema(CorrectionForm, "CorrectionIn")
PlacementStepIn = ApiSchema.from_dict(
    {"reason": fields.String(allow_none=True, validate=length(max=500))}, name="PlacementStepIn"
)


class EvidenceIn(ApiSchema):
    kind = Code(labels.EVIDENCE, required=True)
    file = Upload(required=True, metadata={"description": "PDF, JPEG or PNG, at most 10 MB"})


class EvidenceOut(ApiSchema):
    id = fields.Integer(required=True)
    kind = Code(labels.EVIDENCE, required=True)
    kind_label = Label(labels.EVIDENCE)
    name = Computed(lambda e: e.upload.original_name, {"type": "string"})


class EnterpriseRefOut(ApiSchema):
    name = fields.String(required=True)
    credit_code = fields.String(required=True, metadata={"description": "统一社会信用代码"})


class PlacementOut(ApiSchema):
    id = fields.Integer(required=True)
    teacher = fields.Nested(TeacherRefOut, required=True)
    enterprise = fields.Nested(EnterpriseRefOut, required=True)
    post = fields.String(required=True)
    form = Code(labels.FORM, required=True)
    form_label = Label(labels.FORM)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    days = fields.Float(required=True)
    hours = fields.Float(allow_none=True)
    status = Code(labels.STATUS, required=True)
    status_label = Label(labels.STATUS)
    confirmation = Code(labels.CONFIRMATION, allow_none=True)
    confirmation_label = Label(labels.CONFIRMATION)
    decision_note = fields.String(allow_none=True)
    revision = fields.Integer(required=True)
    evidence = fields.List(fields.Nested(EvidenceOut), required=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class PlacementQuery(SyncQuery):
    teacher = fields.Integer(validate=between(1, MAX_ID), metadata={"description": "Teacher id"})
    school = fields.String(metadata={"description": "School code"})
    status = Code(labels.STATUS)


class PracticeOut(ApiSchema):
    teacher_id = fields.Integer(required=True)
    days_in_window = fields.Float(required=True)
    required_days = fields.Integer(required=True)
    window_start = fields.String(required=True, metadata={"format": "date"})
    window_end = fields.String(required=True, metadata={"format": "date"})
    meets_requirement = Boolean(required=True)
    shortfall_days = fields.Float(required=True)
    status = fields.String(required=True)
    oldest_counted_drops_out_on = fields.String(allow_none=True, metadata={"format": "date"})
    new_teacher_without_enterprise_experience = Boolean(required=True)


class EnterpriseOut(ApiSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    credit_code = fields.String(required=True)
    industry = fields.String(allow_none=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class EnterpriseQuery(SyncQuery):
    q = fields.String(metadata={"description": "Name contains, or code starts with"})


class MentorLinkOut(ApiSchema):
    url = fields.String(required=True, metadata={"description": "Send it to the mentor"})


@api.route(
    "/placements",
    methods=["POST"],
    summary="Log a placement (saved as a draft)",
    body=PlacementIn,
    response=PlacementOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`: dates, overlap, credit code…)"},
)
def create(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher_id = body.pop("teacher", None)
    if current_user.role == Role.TEACHER:
        teacher = current_user.teacher
    elif teacher_id is None:
        raise ValidationFailed({"teacher": _("This field is required.")})
    else:
        teacher = db.session.get(Teacher, teacher_id)
    if teacher is None:
        raise NotFound(_("No such teacher."))
    require(can_log_for(current_user, teacher))
    form = validate_json(PlacementForm, body)
    return _save(form, teacher, None)


def _save(form: PlacementForm, teacher: Teacher, placement: Placement | None) -> Placement:
    enterprise = services.find_or_add_enterprise(
        form.credit_code.data, form.enterprise_name.data, current_user, form.industry.data or ""
    )
    return services.save_draft(teacher, enterprise, form.data, current_user, placement)


@api.route(
    "/placements",
    methods=["GET"],
    summary="Placements visible to the user",
    query=PlacementQuery,
    response=PlacementOut,
    paged=True,
)
def index(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = visible_placements(current_user)
    if query.get("teacher"):
        statement = statement.where(Placement.teacher_id == query["teacher"])
    if query.get("school"):
        statement = statement.where(
            Teacher.school_id.in_(select(School.id).where(School.code == query["school"]))
        )
    if query.get("status"):
        statement = statement.where(Placement.status == query["status"])
    if query.get("updated_since") is None:
        narrowed = bool(query.get("teacher") or query.get("school"))
        statement = newest_first(statement, Placement.id, current_user, narrowed)
    return sync_order(statement, Placement, query.get("updated_since"))


def _placement(placement_id: int) -> Placement:
    return get_visible(Placement, placement_id, _("No such placement."), can_view)


@api.route(
    "/placements/<int:placement_id>",
    methods=["GET"],
    summary="One placement",
    response=PlacementOut,
)
def get(placement_id: int):  # type: ignore[no-untyped-def]
    return _placement(placement_id)


@api.route(
    "/placements/<int:placement_id>",
    methods=["PATCH"],
    summary="Change a draft or returned placement (its teacher, or HR logging for them)",
    body=PlacementPatch,
    response=PlacementOut,
    errors={409: "Not a draft or returned placement, or a rule refuses it"},
)
def edit(placement_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(can_edit(current_user, placement))
    current = {"credit_code": placement.enterprise.credit_code,
               "enterprise_name": placement.enterprise.name}  # fmt: skip
    form = validate_json(PlacementForm, {**current, **body}, obj=placement)
    return _save(form, placement.teacher, placement)


@api.route(
    "/placements/<int:placement_id>/correct",
    methods=["POST"],
    summary="HR corrects an approved placement (a new revision, with the reason)",
    body=CorrectionIn,
    response=PlacementOut,
    errors={409: "Not an approved placement, or a rule refuses it"},
)
def correct(placement_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(is_school_hr(current_user, placement))
    form = validate_json(CorrectionForm, body)
    services.correct_approved(placement, form.data, form.reason.data, current_user)
    return placement


@api.route(
    "/placements/<int:placement_id>/mentor-link",
    methods=["POST"],
    summary="A new link for the enterprise mentor to confirm a submitted placement (any earlier "
    "link stops working)",
    response=MentorLinkOut,
    status=201,
    errors={409: "Not submitted, or confirmed already"},
)
def mentor_link(placement_id: int):  # type: ignore[no-untyped-def]
    url = mentor.create_link(_placement(placement_id), current_user)
    return {"url": url}


@api.route(
    "/placements/<int:placement_id>/<any(submit, withdraw, approve, reject, return):action>",
    methods=["POST"],
    summary="Move a placement through its workflow (reject and return need a reason)",
    body=PlacementStepIn,
    response=PlacementOut,
    errors={409: "Not possible in the current state (`invalid_transition`)"},
)
def act(placement_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    services.transition(placement, action, current_user, body.get("reason") or "")
    return placement


@api.route(
    "/teachers/<int:teacher_id>/practice",
    methods=["GET"],
    summary="The practice ledger: days in the 5-year window against the requirement",
    response=PracticeOut,
)
def practice(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.session.get(Teacher, teacher_id)
    if teacher is None or not can_view_teacher(current_user, teacher):
        raise NotFound(_("No such teacher."))
    return ledger.summary(teacher).as_json()


@api.route(
    "/enterprises",
    methods=["GET"],
    summary="Enterprise directory, by name or credit code",
    query=EnterpriseQuery,
    response=EnterpriseOut,
    paged=True,
)
def enterprises(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    q = (query.get("q") or "").strip()
    statement = select(Enterprise).order_by(Enterprise.name)
    if q:
        statement = statement.where(
            or_(Enterprise.name.contains(q), Enterprise.credit_code.startswith(q.upper()))
        )
    return sync_order(statement, Enterprise, query.get("updated_since"))


@api.route(
    "/placements/bulk-approve",
    methods=["POST"],
    summary="HR approves several placements; each is checked on its own (done / refused, why)",
    body=BulkIn,
    response=OutcomesOut,
)
def bulk_approve(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.SCHOOL_HR)
    return outcomes_json(services.approve_many(list(dict.fromkeys(body["ids"])), current_user))


@api.route(
    "/placements/<int:placement_id>",
    methods=["DELETE"],
    summary="Delete a draft placement (its teacher, or HR logging for them)",
    status=204,
    errors={409: "Not a draft"},
)
def delete(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    services.delete_draft(placement, current_user)


@api.route(
    "/placements/<int:placement_id>/evidence",
    methods=["POST"],
    summary="Add a file of evidence to a placement not yet decided (draft, returned, submitted)",
    multipart=EvidenceIn,
    response=EvidenceOut,
    status=201,
    errors={409: "Decided already (`invalid_transition`)"},
)
def add_evidence(placement_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(can_edit(current_user, placement))  # the page's check; the service knows the states
    return services.add_evidence(placement, form["kind"], form["file"], current_user)


@api.route(
    "/placement-evidence/<int:evidence_id>",
    methods=["DELETE"],
    summary="Remove a file of evidence uploaded by mistake (a draft or returned placement)",
    status=204,
    errors={409: "Submitted or decided: the evidence stays"},
)
def remove_evidence(evidence_id: int):  # type: ignore[no-untyped-def]
    item = db.session.get(PlacementEvidence, evidence_id)
    if item is None:
        raise NotFound(_("No such file of evidence."))
    _placement(item.placement_id)  # 403 for one the caller may not see, as every placement call
    services.remove_evidence(item, current_user)

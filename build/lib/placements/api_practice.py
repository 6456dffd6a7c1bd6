"""Part-time enterprise jobs, teaching hours, the title-review declaration and HR's confirmation
with the enterprise's stamped form, in the JSON API: the same services as the practice pages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from core.api import ApiBlueprint, SyncQuery, get_visible, validate_json
from core.db import sync_order
from core.errors import NotFound
from core.extensions import db
from core.models import Role
from core.permissions import require
from core.schemas import (
    MAX_ID,
    ApiSchema,
    Boolean,
    Code,
    Id,
    Label,
    Timestamp,
    Upload,
    between,
    form_schema,
    length,
)
from core.timeutil import today
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from . import enterprise_jobs, labels, services, title_review
from .api import EnterpriseRefOut, PlacementOut
from .forms import HoursForm, JobForm
from .models import EnterpriseJob, Placement
from .permissions import can_view, is_owner, is_school_hr, visible_jobs

api = ApiBlueprint("practice_api", __name__)

JobIn = form_schema(JobForm, "JobIn")
HoursIn = form_schema(
    HoursForm,
    "HoursIn",
    extra={"job": Id(allow_none=True, metadata={"description": "The consented job; none: school"})},
)


class JobOut(ApiSchema):
    id = fields.Integer(required=True)
    teacher = fields.Integer(attribute="teacher_id", required=True)
    enterprise = fields.Nested(EnterpriseRefOut, required=True)
    role = fields.String(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    hours_per_week = fields.Float(required=True)
    status = Code(labels.JOB_STATUS, required=True)
    status_label = Label(labels.JOB_STATUS)
    decision_note = fields.String(allow_none=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class JobQuery(SyncQuery):
    teacher = fields.Integer(validate=between(1, MAX_ID), metadata={"description": "Teacher id"})


class JobStepIn(ApiSchema):
    reason = fields.String(allow_none=True, validate=length(max=500))


class HoursOut(ApiSchema):
    id = fields.Integer(required=True)
    teacher = fields.Integer(attribute="teacher_id", required=True)
    term = fields.String(required=True)
    job = fields.Integer(attribute="job_id", allow_none=True)
    hours = fields.Float(required=True)


class IntentIn(ApiSchema):
    intends = Boolean(
        required=True, metadata={"description": "true: on this year's title-review list"}
    )


class IntentOut(ApiSchema):
    teacher = fields.Integer(required=True)
    year = fields.Integer(required=True)
    intends = Boolean(required=True)


class AssessmentIn(ApiSchema):
    file = Upload(required=True, metadata={"description": "The enterprise's stamped form"})


def _teacher(teacher_id: int) -> Teacher:
    teacher = db.session.get(Teacher, teacher_id)
    if teacher is None:
        raise NotFound(_("No such teacher."))
    require(can_view_teacher(current_user, teacher))
    return teacher


@api.route(
    "/enterprise-jobs",
    methods=["GET"],
    summary="Part-time enterprise jobs the user may see",
    tags=["placements"],
    query=JobQuery,
    response=JobOut,
    paged=True,
)
def jobs(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = visible_jobs(current_user)
    if query.get("teacher"):
        statement = statement.where(EnterpriseJob.teacher_id == query["teacher"])
    if query.get("updated_since") is None:
        statement = statement.order_by(EnterpriseJob.id.desc())
    return sync_order(statement, EnterpriseJob, query.get("updated_since"))


@api.route(
    "/enterprise-jobs",
    methods=["POST"],
    summary="A teacher asks the school's consent for a part-time enterprise job",
    tags=["placements"],
    body=JobIn,
    response=JobOut,
    status=201,
)
def new_job(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.TEACHER and current_user.teacher is not None)
    form = validate_json(JobForm, body)
    enterprise = services.find_or_add_enterprise(
        form.credit_code.data, form.enterprise_name.data, current_user, form.industry.data or ""
    )
    return enterprise_jobs.request_consent(
        current_user.teacher, enterprise, form.data, current_user
    )


@api.route(
    "/enterprise-jobs/<int:job_id>/<any(consent, refuse, withdraw):action>",
    methods=["POST"],
    summary="HR consents or refuses (with a reason); the teacher withdraws",
    tags=["placements"],
    body=JobStepIn,
    response=JobOut,
)
def decide_job(job_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    job = get_visible(EnterpriseJob, job_id, _("No such job."), can_view)
    if action == "withdraw":
        enterprise_jobs.withdraw(job, current_user)
    else:
        enterprise_jobs.decide(job, action == "consent", body.get("reason") or "", current_user)
    return job


@api.route(
    "/teachers/<int:teacher_id>/teaching-hours",
    methods=["POST"],
    summary="Hours taught in a term: at school (HR) or under a consented job (the teacher); "
    "recording a term again replaces it",
    tags=["placements"],
    body=HoursIn,
    response=HoursOut,
    status=201,
)
def record_hours(teacher_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    job = None
    if body.get("job"):
        job = get_visible(EnterpriseJob, body["job"], _("No such job."), can_view)
        require(
            job.teacher_id == teacher.id
            and (is_owner(current_user, job) or is_school_hr(current_user, job))
        )
    form = validate_json(HoursForm, {k: v for k, v in body.items() if k != "job"})
    return enterprise_jobs.record_hours(
        teacher, form.term.data.strip(), form.hours.data, current_user, job
    )


@api.route(
    "/teachers/<int:teacher_id>/title-review",
    methods=["PUT"],
    summary="Whether the teacher intends to apply for a title this year (职称评审 list)",
    tags=["placements"],
    body=IntentIn,
    response=IntentOut,
)
def declare(teacher_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    year = today().year
    if body["intends"]:
        title_review.declare(teacher, year, current_user)
    else:
        title_review.withdraw(teacher, year, current_user)
    return {"teacher": teacher.id, "year": year, "intends": body["intends"]}


@api.route(
    "/placements/<int:placement_id>/confirm-upload",
    methods=["POST"],
    summary="HR confirms a submitted placement for the enterprise with its stamped assessment form",
    tags=["placements"],
    multipart=AssessmentIn,
    response=PlacementOut,
)
def confirm_upload(placement_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    placement = get_visible(Placement, placement_id, _("No such placement."), can_view)
    services.confirm_by_upload(placement, form["file"], current_user)
    return placement

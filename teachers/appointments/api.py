"""Appointments and school capacity in the JSON API."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import select

from core import org
from core.api import ApiBlueprint, SyncQuery, get_visible, validate_json
from core.db import sync_order
from core.errors import NotFound, PermissionDenied
from core.models import School
from core.permissions import in_school_scope, require
from core.schemas import ApiSchema, Code, Computed, Label, Money, Timestamp, Upload, form_schema

from . import labels, services
from .capacity import capacity
from .forms import AppointmentForm, DecisionForm, PolicyForm
from .models import Appointment

api = ApiBlueprint("appointments_api", __name__)

AppointmentIn = form_schema(AppointmentForm, "AppointmentIn")
DecisionIn = form_schema(DecisionForm, "DecisionIn")
# The other steps take a reason alone: a last day sent with an approval is refused (400).
ReasonIn = form_schema(DecisionForm, "ReasonIn", exclude=("terminated_on",))
PolicyIn = form_schema(PolicyForm, "PolicyIn")


class AppointmentOut(ApiSchema):
    id = fields.Integer(required=True)
    school = Computed(lambda a: a.school.code, {"type": "string"})
    name = fields.String(required=True)
    employer = fields.String(required=True)
    qualification = Code(labels.QUALIFICATION, required=True)
    qualification_label = Label(labels.QUALIFICATION)
    exemption = fields.Boolean(allow_none=True)
    exemption_reason = fields.String(allow_none=True)
    courses = fields.String(allow_none=True)
    hours_per_week = fields.Float(required=True)
    term_start = fields.Date(required=True)
    term_end = fields.Date(required=True)
    hourly_rate = Money(required=True, metadata={"description": "Yuan an hour"})
    status = Code(labels.STATUS, required=True)
    status_label = Label(labels.STATUS)
    has_agreement = Computed(lambda a: a.agreement_id is not None, {"type": "boolean"})
    terminated_on = fields.Date(allow_none=True)
    previous = fields.Integer(attribute="previous_id", allow_none=True)
    decision_note = fields.String(allow_none=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class AppointmentQuery(SyncQuery):
    school = fields.String(metadata={"description": "School code"})
    status = Code(labels.STATUS)


class AgreementIn(ApiSchema):
    agreement = Upload(required=True, metadata={"description": "The signed agreement, a PDF"})


class CapacityOut(ApiSchema):
    school = fields.String(required=True)
    professional_teachers = fields.Integer(required=True)
    cap = fields.Integer(required=True)
    active = fields.Integer(required=True)
    upcoming = fields.Integer(required=True)
    remaining = fields.Integer(required=True)
    over_cap = fields.Boolean(required=True)
    budget = Money(required=True)
    committed_pay = Money(required=True)


class PolicyOut(ApiSchema):
    county = fields.String(required=True)
    salary_standard = Money(allow_none=True, metadata={"description": "Yuan a year"})
    bureau_approval = fields.Boolean(required=True)


def _appointment(appointment_id: int) -> Appointment:
    return get_visible(Appointment, appointment_id, _("No such appointment."), services.can_view)


@api.route(
    "/appointments",
    methods=["POST"],
    summary="Propose a part-time teacher (a draft)",
    body=AppointmentIn,
    response=AppointmentOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def create(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    if current_user.school is None:
        raise PermissionDenied(_("Only HR of the school proposes its part-time teachers."))
    form = validate_json(AppointmentForm, body)
    return services.save_draft(current_user.school, form.data, current_user)


@api.route(
    "/appointments/<int:appointment_id>",
    methods=["PUT"],
    summary="Change a draft appointment",
    body=AppointmentIn,
    response=AppointmentOut,
    errors={409: "Not a draft, or a rule refuses it"},
)
def edit(appointment_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    form = validate_json(AppointmentForm, body)
    return services.save_draft(appointment.school, form.data, current_user, appointment)


@api.route(
    "/appointments",
    methods=["GET"],
    summary="Appointments visible to the user",
    query=AppointmentQuery,
    response=AppointmentOut,
    paged=True,
)
def index(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = services.visible(current_user)
    if query.get("school"):
        statement = statement.where(
            Appointment.school_id.in_(select(School.id).where(School.code == query["school"]))
        )
    if query.get("status"):
        statement = statement.where(Appointment.status == query["status"])
    if query.get("updated_since") is None:
        statement = statement.order_by(Appointment.id.desc())
    return sync_order(statement, Appointment, query.get("updated_since"))


@api.route(
    "/appointments/<int:appointment_id>",
    methods=["GET"],
    summary="One appointment",
    response=AppointmentOut,
)
def get(appointment_id: int):  # type: ignore[no-untyped-def]
    return _appointment(appointment_id)


@api.route(
    "/appointments/<int:appointment_id>/agreement",
    methods=["POST"],
    summary="Upload the signed agreement",
    multipart=AgreementIn,
    response=AppointmentOut,
    errors={409: "The agreement can no longer be replaced"},
)
def agreement(appointment_id: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    services.attach_agreement(appointment, form["agreement"], current_user)
    return appointment


@api.route(
    "/appointments/<int:appointment_id>/<any(submit, approve, reject):action>",
    methods=["POST"],
    summary="Move an appointment through its workflow",
    body=ReasonIn,
    response=AppointmentOut,
    errors={409: "Not possible now (`invalid_transition`), or the cap is reached (`cap_exceeded`)"},
)
def act(appointment_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    services.transition(appointment, action, current_user, body.get("reason") or "")
    return appointment


@api.route(
    "/appointments/<int:appointment_id>/terminate",
    methods=["POST"],
    summary="End an approved appointment early (`terminated_on`: its last day, today if left out)",
    body=DecisionIn,
    response=AppointmentOut,
    errors={409: "Not possible now (`invalid_transition`), or the date is outside the term"},
)
def terminate(appointment_id: int, body: dict[str, Any]) -> Appointment:
    appointment = _appointment(appointment_id)
    services.transition(
        appointment, "terminate", current_user, body.get("reason") or "", body.get("terminated_on")
    )
    return appointment


@api.route(
    "/appointments/<int:appointment_id>/renew",
    methods=["POST"],
    summary="Renew: a new draft linked to this appointment",
    response=AppointmentOut,
    status=201,
    errors={409: "Not renewable now"},
)
def renew(appointment_id: int):  # type: ignore[no-untyped-def]
    return services.renew(_appointment(appointment_id), current_user)


@api.route(
    "/schools/<code>/part-time-capacity",
    methods=["GET"],
    summary="Professional teachers, cap, places in use and left, and whether over the cap",
    response=CapacityOut,
)
def school_capacity(code: str):  # type: ignore[no-untyped-def]
    school = org.school_by_code(code)
    if school is None:
        raise NotFound(_("No such school."))
    require(in_school_scope(current_user, school))
    return {"school": school.code, **capacity(school).as_json()}


@api.route(
    "/counties/<code>/part-time-policy",
    methods=["PUT"],
    summary="A county's part-time policy: the salary standard and whether the bureau approves "
    "too (the county's bureau, the city bureau, administrators)",
    body=PolicyIn,
    response=PolicyOut,
)
def policy(code: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    county = org.county_by_code(code)
    if county is None:
        raise NotFound(_("No such county."))
    require(services.can_set_policy(current_user, county.id))
    form = validate_json(PolicyForm, body)
    services.set_policy(
        county.id, form.salary_standard.data, form.bureau_approval.data, current_user
    )
    saved = services.policy_of(county.id)
    return {
        "county": county.code,
        "salary_standard": saved.salary_standard,
        "bureau_approval": bool(saved.bureau_approval),
    }

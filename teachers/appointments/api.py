"""Appointments and school capacity in the JSON API."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import org
from core.api import ApiBlueprint, get_visible, json_body, paginated, validate_json
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.labels import with_labels
from core.models import School
from core.permissions import in_school_scope, require

from . import labels, services
from .capacity import capacity
from .forms import AppointmentForm
from .models import Appointment, AppointmentStatus

api = ApiBlueprint("appointments_api", __name__)

BODY = {
    "type": "object",
    "required": [
        "name",
        "gender",
        "birth_date",
        "employer",
        "qualification",
        "hours_per_week",
        "term_start",
        "term_end",
        "hourly_rate",
    ],
    "properties": {k: {"type": "string"} for k in services.FIELDS},
}
DECISION = {
    "type": "object",
    "properties": {
        "reason": {"type": "string"},
        "terminated_on": {"type": "string", "format": "date"},
    },
}


def appointment_json(a: Appointment) -> dict[str, Any]:
    return with_labels(
        {
            "id": a.id,
            "school": a.school.code,
            "name": a.name,
            "employer": a.employer,
            "qualification": a.qualification,
            "exemption": a.exemption,
            "exemption_reason": a.exemption_reason,
            "courses": a.courses,
            "hours_per_week": float(a.hours_per_week),
            "term_start": a.term_start.isoformat(),
            "term_end": a.term_end.isoformat(),
            "hourly_rate": float(a.hourly_rate),
            "status": a.status,
            "has_agreement": a.agreement_id is not None,
            "terminated_on": a.terminated_on.isoformat() if a.terminated_on else None,
            "previous": a.previous_id,
            "decision_note": a.decision_note,
        },
        qualification=labels.QUALIFICATION,
        status=labels.STATUS,
    )


def _appointment(appointment_id: int) -> Appointment:
    return get_visible(Appointment, appointment_id, _("No such appointment."), services.can_view)


@api.route(
    "/appointments",
    methods=["POST"],
    summary="Propose a part-time teacher (a draft)",
    body=BODY,
    responses={"201": "Created"},
)
def create():  # type: ignore[no-untyped-def]
    if current_user.school is None:
        raise PermissionDenied(_("Only HR of the school proposes its part-time teachers."))
    form = validate_json(AppointmentForm, json_body())
    appointment = services.save_draft(current_user.school, form.data, current_user)
    return jsonify(appointment_json(appointment)), 201


@api.route(
    "/appointments",
    methods=["GET"],
    summary="Appointments visible to the user",
    params={
        "school": "School code",
        "status": "Status",
        "page": "Page number",
        "per_page": "Items per page (≤ 200)",
    },
)
def index():  # type: ignore[no-untyped-def]
    query = services.visible(current_user)
    if request.args.get("school"):
        query = query.where(
            Appointment.school_id.in_(
                select(School.id).where(School.code == request.args["school"])
            )
        )
    if request.args.get("status") in set(AppointmentStatus):
        query = query.where(Appointment.status == request.args["status"])
    return paginated(query.order_by(Appointment.id.desc()), appointment_json)


@api.route("/appointments/<int:appointment_id>", methods=["GET"], summary="One appointment")
def get(appointment_id: int):  # type: ignore[no-untyped-def]
    return jsonify(appointment_json(_appointment(appointment_id)))


@api.route(
    "/appointments/<int:appointment_id>/agreement",
    methods=["POST"],
    summary="Upload the signed agreement (multipart field `agreement`, a PDF)",
)
def agreement(appointment_id: int):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    file = request.files.get("agreement")
    if file is None:
        raise ValidationFailed({"agreement": _("Choose a file.")})
    services.attach_agreement(appointment, file, current_user)
    return jsonify(appointment_json(appointment))


@api.route(
    "/appointments/<int:appointment_id>/<any(submit, approve, reject, terminate):action>",
    methods=["POST"],
    summary="Move an appointment through its workflow",
    body=DECISION,
    responses={"409": "Not possible now, or the cap is reached (code cap_exceeded)"},
)
def act(appointment_id: int, action: str):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    data = request.get_json(silent=True) or {}
    on = None
    if data.get("terminated_on"):
        try:
            on = date.fromisoformat(str(data["terminated_on"]))
        except ValueError:
            raise ValidationFailed({"terminated_on": _("Enter a date as YYYY-MM-DD.")}) from None
    services.transition(appointment, action, current_user, str(data.get("reason") or ""), on)
    return jsonify(appointment_json(appointment))


@api.route(
    "/appointments/<int:appointment_id>/renew",
    methods=["POST"],
    summary="Renew: a new draft linked to this appointment",
    responses={"201": "Created"},
)
def renew(appointment_id: int):  # type: ignore[no-untyped-def]
    return jsonify(
        appointment_json(services.renew(_appointment(appointment_id), current_user))
    ), 201


@api.route(
    "/schools/<code>/part-time-capacity",
    methods=["GET"],
    summary="Professional teachers, cap, places in use and left, and whether over the cap",
)
def school_capacity(code: str):  # type: ignore[no-untyped-def]
    school = org.school_by_code(code)
    if school is None:
        raise NotFound(_("No such school."))
    require(in_school_scope(current_user, school))
    return jsonify({"school": school.code, **capacity(school).as_json()})

"""Teachers in the JSON API: the same services and permission questions as the pages."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import func, select

from core import org
from core.api import ApiBlueprint, SyncQuery, get_visible, validate_json
from core.api_v1 import TaskOut, task_json
from core.db import sync_order
from core.errors import NotFound, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role, School
from core.permissions import require
from core.schemas import (
    ApiSchema,
    Code,
    Computed,
    Label,
    Timestamp,
    form_schema,
    length,
    one_of,
)

from . import labels, services
from . import tasks as roster_tasks
from .forms import CertificateForm, ContactForm, LeaveForm, TeacherForm
from .models import SkillCertificate, Teacher
from .permissions import can_edit, can_edit_contact, can_manage_school, can_view
from .queries import SORTS, TeacherFilters, filtered_teachers

api = ApiBlueprint("teachers_api", __name__)

SCHOOL_CODE = fields.String(
    validate=length(max=20),
    metadata={"description": "School code (HR: their own school, the default)"},
)
TeacherIn = form_schema(TeacherForm, "TeacherIn", extra={"school": SCHOOL_CODE})
TeacherPatch = form_schema(TeacherForm, "TeacherPatch", partial=True)
LeaveIn = form_schema(LeaveForm, "LeaveIn")
CertificateIn = form_schema(CertificateForm, "CertificateIn")


class CertificateOut(ApiSchema):
    id = fields.Integer(required=True)
    kind = Code(labels.CERTIFICATE_KIND, required=True)
    kind_label = Label(labels.CERTIFICATE_KIND)
    name = fields.String(required=True)
    level = Code(labels.SKILL_LEVEL, allow_none=True)
    level_label = Label(labels.SKILL_LEVEL)
    issuer = fields.String()
    number = fields.String()
    issued_on = fields.Date(required=True)
    expires_on = fields.Date(allow_none=True)
    has_scan = Computed(lambda c: c.scan_id is not None, {"type": "boolean"})


class TeacherRefOut(ApiSchema):
    """A teacher named in another record: enough to show and to look up."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    school = Computed(lambda t: t.school.code, {"type": "string"})


class TeacherOut(ApiSchema):
    id = fields.Integer(required=True)
    school = Computed(lambda t: t.school.code, {"type": "string"})
    staff_no = fields.String(required=True)
    name = fields.String(required=True)
    gender = Code(labels.GENDER, required=True)
    gender_label = Label(labels.GENDER)
    birth_date = fields.Date(allow_none=True)
    department = fields.String(allow_none=True)
    professional = fields.Boolean(required=True)
    practice_instructor = fields.Boolean(required=True)
    employment = Code(labels.EMPLOYMENT, required=True)
    employment_label = Label(labels.EMPLOYMENT)
    hire_date = fields.Date(required=True)
    title = Code(labels.TITLE, required=True)
    title_label = Label(labels.TITLE)
    title_date = fields.Date(allow_none=True)
    education = Code(labels.EDUCATION, allow_none=True)
    education_label = Label(labels.EDUCATION)
    enterprise_months = fields.Integer(allow_none=True)
    qualification_cert_no = fields.String(allow_none=True)
    phone = fields.String(allow_none=True)
    email = fields.String(allow_none=True)
    status = Code(labels.STATUS, required=True)
    status_label = Label(labels.STATUS)
    leave_date = fields.Date(allow_none=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


class TeacherQuery(SyncQuery):
    q = fields.String(metadata={"description": "Name or staff number contains"})
    school = fields.String(metadata={"description": "School code"})
    professional = fields.String(
        validate=one_of(["1", "0"]), metadata={"description": "1 or 0", "enum": ["1", "0"]}
    )
    title = Code(labels.TITLE)
    sort = fields.String(
        validate=one_of(list(SORTS)),
        metadata={"description": "Order: school (default), name, staff_no, hire_date"},
    )
    status = fields.String(
        metadata={
            "description": "active (default), left or all",
            "enum": ["active", "left", "all"],
        },
        validate=one_of(["active", "left", "all"]),
    )


@api.route(
    "/teachers",
    methods=["GET"],
    summary="Teachers visible to the user",
    query=TeacherQuery,
    response=TeacherOut,
    paged=True,
)
def list_teachers(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    args = {k: v for k, v in query.items() if isinstance(v, str)}
    statement = filtered_teachers(current_user, TeacherFilters.from_args(args))
    return sync_order(statement, Teacher, query.get("updated_since"))


def _school(code: str | None) -> School:
    code = code or (current_user.school.code if current_user.school else "")
    school = org.school_by_code(code) if code else None
    if school is None:
        raise ValidationFailed({"school": _("Give the code of an existing school.")})
    require(can_manage_school(current_user, school))
    return school


@api.route(
    "/teachers",
    methods=["POST"],
    summary="Add a teacher",
    body=TeacherIn,
    response=TeacherOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`: the staff number is in use, …)"},
)
def create_teacher(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    school = _school(body.pop("school", None))
    form = validate_json(TeacherForm, body)
    return services.create_teacher(school, form.data, current_user)


def _teacher(teacher_id: int) -> Teacher:
    return get_visible(Teacher, teacher_id, _("No such teacher."), can_view)


@api.route(
    "/teachers/<int:teacher_id>", methods=["GET"], summary="One teacher", response=TeacherOut
)
def get_teacher(teacher_id: int):  # type: ignore[no-untyped-def]
    return _teacher(teacher_id)


@api.route(
    "/teachers/<int:teacher_id>",
    methods=["PATCH"],
    summary="Change a teacher (a teacher may change only their own phone and email)",
    body=TeacherPatch,
    response=TeacherOut,
    errors={409: "A rule refuses it (`rule_violated`)"},
)
def patch_teacher(teacher_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    if can_edit(current_user, teacher):
        form = validate_json(TeacherForm, body, obj=teacher)
        services.update_teacher(teacher, form.data, current_user)
    else:
        require(can_edit_contact(current_user, teacher))
        if set(body) - {"phone", "email"}:
            raise PermissionDenied(_("You may change only your own phone and email."))
        form = validate_json(ContactForm, body, obj=teacher)
        services.update_contact(teacher, form.data, current_user)
    return teacher


@api.route(
    "/teachers/<int:teacher_id>/leave",
    methods=["POST"],
    summary="Record that a teacher left the school (they keep their records)",
    body=LeaveIn,
    response=TeacherOut,
    errors={409: "Already left (`conflict`), or a rule refuses the date (`rule_violated`)"},
)
def leave(teacher_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit(current_user, teacher))
    form = validate_json(LeaveForm, body)
    services.mark_left(teacher, form.leave_date.data, form.leave_reason.data, current_user)
    return teacher


@api.route(
    "/teachers/<int:teacher_id>/reinstate",
    methods=["POST"],
    summary="Take a teacher who left back into post",
    response=TeacherOut,
    errors={409: "The teacher is in post (`conflict`)"},
)
def reinstate(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit(current_user, teacher))
    services.reinstate(teacher, current_user)
    return teacher


@api.route(
    "/teachers/<int:teacher_id>/certificates",
    methods=["GET"],
    summary="A teacher's skill and qualification certificates",
    response=CertificateOut,
    paged=True,
)
def certificates(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    return (
        select(SkillCertificate)
        .where(SkillCertificate.teacher_id == teacher.id)
        .order_by(SkillCertificate.issued_on.desc(), SkillCertificate.id)
    )


@api.route(
    "/teachers/<int:teacher_id>/certificates",
    methods=["POST"],
    summary="Add a certificate (the scan is added on the page)",
    body=CertificateIn,
    response=CertificateOut,
    status=201,
    errors={409: "A rule refuses it (`rule_violated`: issued in the future, …)"},
)
def add_certificate(teacher_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit_contact(current_user, teacher))
    form = validate_json(CertificateForm, body)
    return services.add_certificate(teacher, form.data, None, current_user)


@api.route(
    "/certificates/<int:certificate_id>",
    methods=["DELETE"],
    summary="Remove a certificate",
    status=204,
)
def delete_certificate(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = db.session.get(SkillCertificate, certificate_id)
    if certificate is None:
        raise NotFound(_("No such certificate."))
    require(can_view(current_user, certificate.teacher))
    require(can_edit_contact(current_user, certificate.teacher))
    services.remove_certificate(certificate, current_user)


@api.route(
    "/teachers/export",
    methods=["POST"],
    summary="Prepare the roster as an Excel file in the background (filters as GET /teachers)",
    query=TeacherQuery,
    response=TaskOut,
    status=202,
)
def export(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role != Role.TEACHER)
    filters = TeacherFilters.from_args({k: v for k, v in query.items() if isinstance(v, str)})
    statement = filtered_teachers(current_user, filters)
    count = db.session.scalar(select(func.count()).select_from(statement.order_by(None).subquery()))
    return task_json(roster_tasks.start_export(current_user, filters, count or 0))

"""Teacher services: every change to a teacher or certificate is checked, audited and flushed
here; the request, import or command around it commits."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core import audit
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role, School, User
from core.timeutil import today
from core.uploads import save_upload
from core.workflow import Step, Workflow

from . import titles
from .labels import STATUS
from .models import SkillCertificate, Teacher, TeacherStatus, Title
from .permissions import can_edit

TEACHER_FIELDS = (
    "staff_no", "name", "gender", "birth_date", "department", "professional",
    "practice_instructor", "employment", "hire_date", "title", "title_date", "education",
    "enterprise_months", "qualification_cert_no", "phone", "email",
)  # fmt: skip
CONTACT_FIELDS = ("phone", "email")


def clean(data: dict[str, Any], fields: tuple[str, ...] = TEACHER_FIELDS) -> dict[str, Any]:
    """Normalise form data: strip text, turn empty optional choices into None."""
    out: dict[str, Any] = {}
    for key in fields:
        value = data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if key == "education" and not value:
            value = None
        if key == "enterprise_months" and value is None:
            value = 0
        if key in {"department", "qualification_cert_no", "phone", "email"} and value is None:
            value = ""
        out[key] = value
    return out


def check_teacher(
    data: dict[str, Any],
    school: School,
    teacher: Teacher | None = None,
    taken: set[str] | None = None,
) -> dict[str, str]:
    """Cross-field and uniqueness rules; returns {field: message} (empty when all is well).

    `taken` holds staff numbers already claimed by earlier rows of the same import.
    """
    errors: dict[str, str] = {}
    now = today()
    staff_no = data.get("staff_no")
    if staff_no:
        other = db.session.scalar(
            select(Teacher.id).where(Teacher.school_id == school.id, Teacher.staff_no == staff_no)
        )
        if (other is not None and (teacher is None or other != teacher.id)) or (
            taken is not None and staff_no in taken
        ):
            errors["staff_no"] = _("Another teacher of this school has this staff number.")
    birth, hired = data.get("birth_date"), data.get("hire_date")
    if birth and (birth > now - timedelta(days=16 * 365) or birth.year < 1940):
        errors["birth_date"] = _("Check the birth date: the teacher would be too young or too old.")
    if hired and hired > now + timedelta(days=366):
        errors["hire_date"] = _("The hire date is more than a year ahead.")
    if birth and hired and hired < birth + timedelta(days=16 * 365):
        errors["hire_date"] = _("The hire date must be at least 16 years after the birth date.")
    if data.get("title_date") and data.get("title_date") > now:
        errors["title_date"] = _("The title date cannot be in the future.")
    if data.get("title") == Title.NONE and data.get("title_date"):
        errors["title_date"] = _("A teacher without a title has no title date.")
    return errors


def _title_name(data: dict[str, Any], teacher: Teacher | None) -> str:
    """The title as the school wrote it (讲师 …): given, or kept while it still names the level."""
    if data.get("title_name") is not None:
        return str(data["title_name"])
    kept = teacher.title_name if teacher is not None else ""
    return kept if kept and titles.title_level(kept) == data.get("title") else ""


def create_teacher(school: School, data: dict[str, Any], by: User | None) -> Teacher:
    title_name = _title_name(data, None)
    data = clean(data)
    errors = check_teacher(data, school)
    if errors:
        raise ValidationFailed(errors)
    teacher = Teacher(
        school_id=school.id, status=TeacherStatus.ACTIVE, title_name=title_name, **data
    )
    db.session.add(teacher)
    changes = audit.pending_changes(teacher)
    db.session.flush()
    audit.record("create", teacher, by=by, changes=changes)
    db.session.flush()
    return teacher


def update_teacher(teacher: Teacher, data: dict[str, Any], by: User | None) -> dict:
    title_name = _title_name(data, teacher)
    data = clean(data)
    errors = check_teacher(data, teacher.school, teacher)
    if errors:
        raise ValidationFailed(errors)
    for key, value in data.items():
        setattr(teacher, key, value)
    teacher.title_name = title_name
    return audit.record_changes("update", teacher, by=by)


def update_contact(teacher: Teacher, data: dict[str, Any], by: User) -> dict:
    for key, value in clean(data, CONTACT_FIELDS).items():
        setattr(teacher, key, value)
    return audit.record_changes("contact_updated", teacher, by=by)


def _check_leave(teacher: Teacher, _by: User | None, _reason: str, leave_date: date) -> None:
    if leave_date < teacher.hire_date:
        raise ValidationFailed({"leave_date": _("The leave date is before the hire date.")})
    if leave_date > today() + timedelta(days=366):
        raise ValidationFailed({"leave_date": _("The leave date is more than a year ahead.")})


def _left(teacher: Teacher, _by: User | None, reason: str, leave_date: date) -> None:
    teacher.leave_date = leave_date
    teacher.leave_reason = reason


def _reinstated(teacher: Teacher, _by: User | None, _reason: str) -> None:
    teacher.leave_date = None
    teacher.leave_reason = ""


def _manages(by: User | None, teacher: Teacher) -> bool:
    return by is not None and can_edit(by, teacher)


# In post or left (the roster's one state): every figure reads who was in post on a day.
WORKFLOW = Workflow(
    {
        (TeacherStatus.ACTIVE, "leave"): Step(TeacherStatus.LEFT, _manages, guard=_check_leave,
                                              effect=_left, audit_as="left"),
        (TeacherStatus.LEFT, "reinstate"): Step(TeacherStatus.ACTIVE, _manages,
                                                effect=_reinstated, audit_as="reinstated"),
    },
    STATUS,
    {"leave": _l("Record leaving"), "reinstate": _l("Mark as active again")},
)  # fmt: skip


def mark_left(teacher: Teacher, leave_date: date, reason: str, by: User) -> None:
    WORKFLOW.transition(teacher, "leave", by, reason, leave_date=leave_date)


def reinstate(teacher: Teacher, by: User) -> None:
    WORKFLOW.transition(teacher, "reinstate", by)


CERTIFICATE_FIELDS = ("kind", "name", "level", "issuer", "number", "issued_on", "expires_on")


def add_certificate(
    teacher: Teacher, data: dict[str, Any], scan: FileStorage | None, by: User
) -> SkillCertificate:
    values = {k: (data.get(k).strip() if isinstance(data.get(k), str) else data.get(k))
              for k in CERTIFICATE_FIELDS}  # fmt: skip
    values["level"] = values["level"] or None
    values["issuer"] = values["issuer"] or ""
    values["number"] = values["number"] or ""
    if values["issued_on"] and values["issued_on"] > today():
        raise ValidationFailed({"issued_on": _("The issue date cannot be in the future.")})
    try:
        upload = save_upload(scan, by) if scan is not None and scan.filename else None
    except ValueError as err:
        raise ValidationFailed({"scan": str(err)}) from None
    certificate = SkillCertificate(teacher=teacher, scan_id=upload.id if upload else None, **values)
    db.session.add(certificate)
    changes = audit.pending_changes(certificate)
    db.session.flush()
    audit.record("create", certificate, by=by, changes=changes, school_id=teacher.school_id)
    db.session.flush()
    return certificate


def remove_certificate(certificate: SkillCertificate, by: User) -> None:
    audit.record(
        "delete",
        certificate,
        by=by,
        school_id=certificate.teacher.school_id,
        changes={"name": [certificate.name, None], "number": [certificate.number, None]},
    )
    db.session.delete(certificate)
    db.session.flush()


def find_teacher(school: School, staff_no: str) -> Teacher | None:
    return db.session.scalar(
        select(Teacher).where(Teacher.school_id == school.id, Teacher.staff_no == staff_no)
    )


def link_account(user: User, link: dict[str, Any]) -> None:
    """Role linker for teacher accounts: the account belongs to the teacher with this staff
    number at the account's school."""
    staff_no = (link.get("staff_no") or "").strip()
    if user.role != Role.TEACHER:
        return
    if not staff_no:
        raise ValidationFailed({"staff_no": _("Enter the teacher's staff number.")})
    teacher = find_teacher(user.school, staff_no) if user.school else None
    if teacher is None:
        raise ValidationFailed({"staff_no": _("No teacher with this staff number at this school.")})
    if teacher.user_id is not None:
        raise ValidationFailed({"staff_no": _("This teacher already has an account.")})
    teacher.user_id = user.id
    db.session.flush()

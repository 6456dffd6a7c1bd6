"""Part-time jobs in enterprises with the school's consent, and the teaching workload they add
(在企业带教工作量可计入教学工作量, 十四)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import audit
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import User
from core.timeutil import utcnow
from teachers.models import Teacher

from .models import Enterprise, EnterpriseJob, JobConsentStatus, TeachingHours
from .permissions import is_owner, is_school_hr

TERM = re.compile(r"^(20\d\d)-(20\d\d)-([12])$")


def request_consent(
    teacher: Teacher, enterprise: Enterprise, data: dict[str, Any], by: User
) -> EnterpriseJob:
    if not (by.role == "teacher" and teacher.user_id == by.id):
        raise PermissionDenied(_("Teachers ask for consent for themselves."))
    errors = {}
    if data["end_date"] < data["start_date"]:
        errors["end_date"] = _("The end date is before the start date.")
    hours = Decimal(str(data["hours_per_week"]))
    if not Decimal(0) < hours <= 40:
        errors["hours_per_week"] = _("Enter between 0.5 and 40 hours a week.")
    if not (data.get("role") or "").strip():
        errors["role"] = _("Describe the job.")
    if errors:
        raise ValidationFailed(errors)
    job = EnterpriseJob(
        teacher_id=teacher.id,
        enterprise_id=enterprise.id,
        role=data["role"].strip()[:100],
        start_date=data["start_date"],
        end_date=data["end_date"],
        hours_per_week=hours,
    )
    job.teacher = teacher
    db.session.add(job)
    changes = audit.pending_changes(job)
    db.session.flush()
    audit.record("create", job, by=by, changes=changes)
    return job


def decide(job: EnterpriseJob, consent: bool, note: str, by: User) -> None:
    if not is_school_hr(by, job):
        raise PermissionDenied(_("Only HR of the teacher's school decides."))
    if job.status != JobConsentStatus.REQUESTED:
        raise Conflict(_("This request has been decided already."), status=job.status)
    if not consent and not (note or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    job.status = JobConsentStatus.CONSENTED if consent else JobConsentStatus.REFUSED
    job.decision_note = (note or "").strip()[:500]
    job.decided_by_id = by.id
    job.decided_at = utcnow()
    audit.record_changes("consented" if consent else "refused", job, by=by)


def withdraw(job: EnterpriseJob, by: User) -> None:
    if not is_owner(by, job):
        raise PermissionDenied(_("Only the teacher can withdraw the request."))
    if job.status != JobConsentStatus.REQUESTED:
        raise Conflict(_("This request has been decided already."), status=job.status)
    job.status = JobConsentStatus.WITHDRAWN
    audit.record_changes("withdrawn", job, by=by)


def record_hours(
    teacher: Teacher, term: str, hours: Decimal, by: User, job: EnterpriseJob | None = None
) -> TeachingHours:
    """Hours taught in `term`: at school (recorded by HR) or in the enterprise under a consented
    job (recorded by the teacher). Recording again for the same term replaces the figure."""
    if job is None:
        allowed = by.role == "school_hr" and by.school_id == teacher.school_id
    else:
        allowed = is_owner(by, job) or is_school_hr(by, job)
    if not allowed:
        raise PermissionDenied(_("You may not record these hours."))
    match = TERM.match(term or "")
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise ValidationFailed(
            {"term": _("Write the term as 2025-2026-1 (school year, then 1 or 2).")}
        )
    if not Decimal(0) <= hours <= 1000:
        raise ValidationFailed({"hours": _("Enter between 0 and 1,000 hours.")})
    if job is not None:
        if job.status != JobConsentStatus.CONSENTED:
            raise Conflict(
                _("Enterprise teaching counts only under a consented job."), status=job.status
            )
        first = int(match.group(1))
        if job.end_date.year < first or job.start_date.year > first + 1:
            raise ValidationFailed({"term": _("The job does not run in this term.")})
    row = db.session.scalar(
        select(TeachingHours).where(
            TeachingHours.teacher_id == teacher.id,
            TeachingHours.term == term,
            TeachingHours.job_id.is_(None) if job is None else TeachingHours.job_id == job.id,
        )
    )
    old = row.hours if row else None
    if row is None:
        row = TeachingHours(
            teacher_id=teacher.id,
            term=term,
            job_id=job.id if job else None,
            hours=hours,
            recorded_by_id=by.id,
        )
        db.session.add(row)
    row.hours = hours
    db.session.flush()
    audit.record(
        "teaching_hours",
        teacher,
        by=by,
        changes={f"{'enterprise' if job else 'school'}_hours_{term}": [old, hours]},
    )
    return row


def workload(teacher: Teacher) -> list[dict[str, Any]]:
    """Per term: school hours, enterprise teaching hours, and their total (summed in SQL)."""
    rows = db.session.execute(
        select(
            TeachingHours.term,
            func.coalesce(func.sum(TeachingHours.hours).filter(TeachingHours.job_id.is_(None)), 0),
            func.coalesce(
                func.sum(TeachingHours.hours).filter(TeachingHours.job_id.is_not(None)), 0
            ),
        )
        .where(TeachingHours.teacher_id == teacher.id)
        .group_by(TeachingHours.term)
        .order_by(TeachingHours.term.desc())
    ).all()
    return [
        {
            "term": term,
            "school": Decimal(school),
            "enterprise": Decimal(ent),
            "total": Decimal(school) + Decimal(ent),
        }
        for term, school, ent in rows
    ]

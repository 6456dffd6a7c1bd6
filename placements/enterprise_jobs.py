"""Part-time jobs in enterprises with the school's consent, and the teaching workload they add
(在企业带教工作量可计入教学工作量, 十四)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core import audit, handover
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import Notice
from core.models import User
from core.timeutil import utcnow
from core.workflow import Step, Workflow
from teachers.models import Teacher

from .labels import JOB_ACTION, JOB_STATUS
from .models import Enterprise, EnterpriseJob, JobConsentStatus, TeachingHours
from .permissions import is_owner, is_school_hr
from .waits import JOB_WAITS

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
    JOB_WORKFLOW.announce(job, "request", by)  # HR: it waits for the school's consent
    return job


def _decided(job: EnterpriseJob, by: User | None, reason: str) -> None:
    job.decision_note = reason[:500]
    job.decided_by_id = by.id if by else None
    job.decided_at = utcnow()


def _hr_only(*_args: Any) -> str:
    return _("Only HR of the teacher's school decides.")


def _link(job: EnterpriseJob) -> str:
    return f"/teachers/{job.teacher_id}/enterprise-jobs"


def _about(job: EnterpriseJob) -> dict[str, Any]:
    return {"teacher": job.teacher.name, "enterprise": job.enterprise.name,
            "reason": job.decision_note}  # fmt: skip


# The teacher is told of the school's decision; HR that a request they were to decide is gone.
JOB_HANDOVERS = {
    "request": [Notice("job_requested", lambda j: JOB_WORKFLOW.next_people(j), _link, _about)],
    "consent": [Notice("job_consented", lambda j: [j.teacher.user_id], _link, _about)],
    "refuse": [Notice("job_refused", lambda j: [j.teacher.user_id], _link, _about)],
    "withdraw": [Notice("job_withdrawn", lambda j: handover.school_hr(j.teacher.school_id),
                        _link, _about)],
}  # fmt: skip

JOB_WORKFLOW = Workflow(
    {
        (JobConsentStatus.REQUESTED, "consent"): Step(
            JobConsentStatus.CONSENTED, is_school_hr, effect=_decided, audit_as="consented",
            denied=_hr_only,
        ),
        (JobConsentStatus.REQUESTED, "refuse"): Step(
            JobConsentStatus.REFUSED, is_school_hr, needs_reason=True, effect=_decided,
            audit_as="refused", denied=_hr_only,
        ),
        (JobConsentStatus.REQUESTED, "withdraw"): Step(
            JobConsentStatus.WITHDRAWN, is_owner, audit_as="withdrawn",
            denied=lambda *_args: _("Only the teacher can withdraw the request."),
        ),
    },
    JOB_STATUS,
    JOB_ACTION,
    JOB_HANDOVERS,
    model=EnterpriseJob,
    waits=JOB_WAITS,
)  # fmt: skip


def decide(job: EnterpriseJob, consent: bool, note: str, by: User) -> None:
    JOB_WORKFLOW.transition(job, "consent" if consent else "refuse", by, note)


def withdraw(job: EnterpriseJob, by: User) -> None:
    JOB_WORKFLOW.transition(job, "withdraw", by)


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

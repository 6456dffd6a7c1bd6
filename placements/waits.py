"""Who a placement waits for (待办), declared beside the transition table's steps and checked
against them by the tests: a draft or a returned placement waits for its teacher; a submitted
one for the enterprise mentor, through the teacher who sends the link, until the enterprise has
confirmed it; then for the school's HR, who review it."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core import handover
from core.models import Role, User
from core.workflow import Wait
from teachers.models import Teacher

from .models import CONFIRMED, EnterpriseJob, JobConsentStatus, Placement
from .models import PlacementStatus as S
from .permissions import can_edit, is_school_hr


def _teacher(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.TEACHER:
        return None
    return Placement.teacher_id.in_(select(Teacher.id).where(Teacher.user_id == user.id))


def _hr_over(teacher_id: Any) -> Any:
    """HR of the teacher's school, never for a record of their own: as a condition on the
    record's `teacher_id` column (a placement's, a part-time job's)."""

    def who(user: User):  # type: ignore[no-untyped-def]
        if user.role != Role.SCHOOL_HR:
            return None
        return teacher_id.in_(
            select(Teacher.id).where(
                Teacher.school_id == user.school_id,
                or_(Teacher.user_id.is_(None), Teacher.user_id != user.id),
            )
        )

    return who


_hr = _hr_over(Placement.teacher_id)


def teacher_of(p: Placement) -> list[int]:
    return [p.teacher.user_id] if p.teacher.user_id is not None else []


def hr_of(record: Placement | EnterpriseJob) -> list[int]:
    return [u for u in handover.school_hr(record.teacher.school_id) if u != record.teacher.user_id]


def _confirmed():  # type: ignore[no-untyped-def]
    return Placement.confirmation.in_(CONFIRMED)


LINK = "/placements?waiting=me"

WAITS = (
    Wait(S.DRAFT, ("submit",), _l("Enterprise practice drafts to submit"), _l("Draft"),
         _teacher, LINK, people=teacher_of, since=lambda: Placement.created_at),
    # The mentor has no account: the teacher sends (or sends again) the confirmation link.
    Wait(S.SUBMITTED, (), _l("Enterprise practice waiting for the enterprise's confirmation"),
         _l("Awaiting the enterprise's confirmation"), _teacher, LINK, people=teacher_of,
         when=lambda: ~_confirmed(), applies=lambda p: not p.confirmed,
         may=lambda u, p: can_edit(u, p) or is_school_hr(u, p),
         since=lambda: Placement.submitted_at),
    Wait(S.SUBMITTED, ("approve", "return", "reject"), _l("Enterprise practice to review"),
         _l("Awaiting the school's review"), _hr, LINK, people=hr_of, when=_confirmed,
         applies=lambda p: p.confirmed, since=lambda: Placement.submitted_at),
    Wait(S.RETURNED, ("submit",), _l("Enterprise practice returned to you"),
         _l("Returned for changes"), _teacher, LINK, people=teacher_of,
         since=lambda: Placement.decided_at),
)  # fmt: skip


# A part-time job in an enterprise waits for the school's consent.
JOB_WAITS = (
    Wait(JobConsentStatus.REQUESTED, ("consent", "refuse"),
         _l("Part-time enterprise jobs waiting for the school's consent"),
         _l("Awaiting the school's consent"), _hr_over(EnterpriseJob.teacher_id),
         "/enterprise-jobs", people=hr_of, since=lambda: EnterpriseJob.created_at),
)  # fmt: skip

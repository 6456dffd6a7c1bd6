"""Who a recognition waits for (待办), declared beside the transition table's steps and checked
against them by the tests: a D-class case and a school-passed application wait for the bureau
responsible for the teacher's school, an application for the school's HR, a returned one for
its teacher; a public notice (公示) waits for nobody until it ends, then for the bureau."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import handover
from core.models import Role, User
from core.permissions import school_scope
from core.timeutil import today
from core.workflow import Wait
from teachers.models import Teacher

from .models import Recognition
from .models import Status as S


def _of_schools(condition):  # type: ignore[no-untyped-def]
    return Recognition.teacher_id.in_(select(Teacher.id).where(condition))


def _bureau(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.BUREAU:
        return None
    return _of_schools(school_scope(user, Teacher.school_id))


def _hr(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.SCHOOL_HR:
        return None
    return _of_schools(Teacher.school_id == user.school_id)


def _teacher(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.TEACHER:
        return None
    return _of_schools(Teacher.user_id == user.id)


def bureau_of(r: Recognition) -> list[int]:
    return handover.bureau_for(r.teacher.school_id)


def hr_of(r: Recognition) -> list[int]:
    return handover.school_hr(r.teacher.school_id)


def teacher_of(r: Recognition) -> list[int]:
    return [r.teacher.user_id] if r.teacher.user_id is not None else []


def _since():  # type: ignore[no-untyped-def]
    return Recognition.created_at


def _notice_over(r: Recognition) -> bool:
    return r.notice_until is not None and r.notice_until < today()


WAITS = (
    Wait(S.PENDING, ("confirm", "reject"), _l("D-class cases to confirm"),
         _l("Awaiting the bureau"), _bureau, "/recognitions?kind=d_class&waiting=me",
         people=bureau_of, since=_since),
    Wait(S.APPLIED, ("pass", "return"), _l("Dual-qualified applications to review"),
         _l("Awaiting the school's review"), _hr, "/recognitions?waiting=me", people=hr_of,
         since=_since),
    Wait(S.RETURNED, ("resubmit",), _l("Dual-qualified applications returned to you"),
         _l("Returned for changes"), _teacher, "/recognitions?waiting=me", people=teacher_of,
         since=_since),
    Wait(S.SCHOOL_PASSED, ("confirm", "reject"), _l("Dual-qualified decisions to make"),
         _l("Awaiting the bureau"), _bureau, "/recognitions?kind=dual_qualified&waiting=me",
         people=bureau_of, since=_since),
    Wait(S.NOTICE, ("finalize",), _l("Notice periods ended: recognise or reject"),
         _l("Notice period over: awaiting the bureau"), _bureau,
         "/recognitions?kind=dual_qualified&waiting=me", people=bureau_of,
         when=lambda: Recognition.notice_until < today(), applies=_notice_over,
         since=lambda: Recognition.notice_until),
)  # fmt: skip

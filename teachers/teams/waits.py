"""Who an innovation team or an overseas nomination waits for (待办), declared beside the
transition tables' steps and checked against them by the tests: a team's school applies and
starts building, the bureau decides and accepts it once its building period is over; the
bureau selects a nominated teacher, who then confirms and, back home, reports."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import handover
from core.models import Role, User
from core.permissions import school_scope
from core.timeutil import today
from core.workflow import Wait
from teachers.models import Teacher

from .models import InnovationTeam, Nomination, OverseasBatch
from .models import NominationStatus as N
from .models import TeamStatus as T


def _team_hr(user: User):  # type: ignore[no-untyped-def]
    return InnovationTeam.school_id == user.school_id if user.role == Role.SCHOOL_HR else None


def _team_bureau(user: User):  # type: ignore[no-untyped-def]
    return school_scope(user, InnovationTeam.school_id) if user.role == Role.BUREAU else None


def _building_over(team: InnovationTeam) -> bool:
    return team.building_end is not None and team.building_end < today()


TEAMS = "/teams?waiting=me"
TEAM_WAITS = (
    Wait(T.DRAFT, ("apply",), _l("Innovation team applications to send"), _l("Draft"),
         _team_hr, TEAMS, people=lambda t: handover.school_hr(t.school_id),
         since=lambda: InnovationTeam.created_at),
    Wait(T.APPLIED, ("approve", "reject"), _l("Innovation team applications to decide"),
         _l("Awaiting the bureau"), _team_bureau, TEAMS,
         people=lambda t: handover.bureau_for(t.school_id),
         since=lambda: InnovationTeam.created_at),
    Wait(T.APPROVED, ("start",), _l("Approved innovation teams to start building"),
         _l("Approved: the school starts building"), _team_hr, TEAMS,
         people=lambda t: handover.school_hr(t.school_id),
         since=lambda: InnovationTeam.created_at),
    # Building takes years: the bureau's acceptance waits until the period is over.
    Wait(T.BUILDING, ("accept", "fail"), _l("Innovation teams due for acceptance"),
         _l("Building period over: awaiting the bureau's acceptance"), _team_bureau, TEAMS,
         people=lambda t: handover.bureau_for(t.school_id),
         when=lambda: InnovationTeam.building_end < today(), applies=_building_over,
         since=lambda: InnovationTeam.building_end),
)  # fmt: skip


def _nomination_bureau(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.BUREAU:
        return None
    return Nomination.teacher_id.in_(
        select(Teacher.id).where(school_scope(user, Teacher.school_id))
    )


def _nominee(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.TEACHER:
        return None
    return Nomination.teacher_id.in_(select(Teacher.id).where(Teacher.user_id == user.id))


def _nominee_of(n: Nomination) -> list[int]:
    return [n.teacher.user_id] if n.teacher.user_id is not None else []


def _back_home(n: Nomination) -> bool:
    return n.batch.end_date < today()


def _batch_ended():  # type: ignore[no-untyped-def]
    return Nomination.batch_id.in_(select(OverseasBatch.id).where(OverseasBatch.end_date < today()))


NOMINATION_WAITS = (
    Wait(N.NOMINATED, ("select", "decline"), _l("Overseas nominations to decide"),
         _l("Awaiting the bureau's selection"), _nomination_bureau, "/overseas",
         people=lambda n: handover.bureau_for(n.teacher.school_id),
         since=lambda: Nomination.created_at),
    Wait(N.SELECTED, ("confirm",), _l("Overseas visits to confirm you go on"),
         _l("Selected: awaiting the teacher's confirmation"), _nominee, "/overseas",
         people=_nominee_of, since=lambda: Nomination.created_at),
    Wait(N.CONFIRMED, ("report",), _l("Reports due after your overseas visit"),
         _l("Back home: awaiting the teacher's report"), _nominee, "/overseas",
         people=_nominee_of, when=_batch_ended, applies=_back_home,
         since=lambda: Nomination.created_at),
)  # fmt: skip

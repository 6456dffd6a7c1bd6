"""Who an appointment waits for (待办): declared beside the transition table's steps and checked
against them by the tests, so the inbox, the badge and the notice name the same person.

A proposal waits for a second HR approver of the school; where the school has no HR account in
use besides the proposer's, the bureau (the county's, or the city's) gives that approval; where
the county asks for its own approval too, the bureau gives it next."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from core import handover
from core.models import Role, User
from core.workflow import Wait

from .models import Appointment
from .models import AppointmentStatus as S


def no_colleague(appointment: Appointment) -> bool:
    """Whether nobody at the school may give the second approval: no HR account in use
    besides the proposer's."""
    return all(u == appointment.proposed_by_id for u in handover.school_hr(appointment.school_id))


def _no_colleague():  # type: ignore[no-untyped-def]
    """`no_colleague` as a condition on appointments."""
    return ~exists(
        select(User.id).where(
            User.role == Role.SCHOOL_HR,
            User.enabled.is_(True),
            User.school_id == Appointment.school_id,
            User.id != func.coalesce(Appointment.proposed_by_id, 0),
        )
    )


def proposer_gone(appointment: Appointment) -> bool:
    """Whether the HR who proposed it is no longer an HR account in use at the school."""
    return appointment.proposed_by_id not in handover.school_hr(appointment.school_id)


def _proposer_gone() -> ColumnElement[bool]:
    """`proposer_gone` as a condition on appointments."""
    return ~exists(
        select(User.id).where(
            User.id == Appointment.proposed_by_id,
            User.role == Role.SCHOOL_HR,
            User.enabled.is_(True),
            User.school_id == Appointment.school_id,
        )
    )


def _proposer(user: User) -> ColumnElement[bool] | None:
    """A draft waits for the HR who made it (any HR of the school once they are gone)."""
    if user.role != Role.SCHOOL_HR or not user.enabled:
        return None
    return and_(
        Appointment.school_id == user.school_id,
        or_(Appointment.proposed_by_id == user.id, _proposer_gone()),
    )


def _drafter(a: Appointment) -> list[int]:
    return handover.school_hr(a.school_id) if proposer_gone(a) else [a.proposed_by_id]


def _second_hr(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.SCHOOL_HR:
        return None
    return and_(
        Appointment.school_id == user.school_id,
        func.coalesce(Appointment.proposed_by_id, 0) != user.id,
    )


def _bureau(user: User):  # type: ignore[no-untyped-def]
    return handover.answers_as_bureau(user, Appointment.school_id)


def _colleagues(a: Appointment) -> list[int]:
    return [u for u in handover.school_hr(a.school_id) if u != a.proposed_by_id]


def _bureau_of(a: Appointment) -> list[int]:
    return handover.answering_bureau(a.school_id)


def _since():  # type: ignore[no-untyped-def]
    return Appointment.created_at


WAITS = (
    Wait(S.DRAFT, ("submit",), _l("Part-time appointment drafts to submit"), _l("Draft"),
         _proposer, "/appointments?waiting=me", people=_drafter, since=_since),
    Wait(S.SUBMITTED, ("approve", "reject"),
         _l("Part-time appointments waiting for your approval"),
         _l("Awaiting a second HR approver"), _second_hr, "/appointments?waiting=me",
         people=_colleagues, when=lambda: ~_no_colleague(),
         applies=lambda a: not no_colleague(a), since=_since),
    # The school has no HR account besides the proposer's: the bureau stands in.
    Wait(S.SUBMITTED, ("approve", "reject"),
         _l("Part-time appointments of schools with one HR account, waiting for your approval"),
         _l("Awaiting the bureau (the school has one HR account)"), _bureau,
         "/appointments?waiting=me", people=_bureau_of, when=_no_colleague,
         applies=no_colleague, since=_since),
    Wait(S.PENDING_BUREAU, ("approve", "reject"),
         _l("Part-time appointments waiting for the bureau"), _l("Awaiting the bureau"),
         _bureau, "/appointments?waiting=me", people=_bureau_of, since=_since),
)  # fmt: skip

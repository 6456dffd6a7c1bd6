"""Who a competition waits for (待办), declared beside the transition table's steps and checked
against them by the tests: the organizers open a draft, close entries once registration has
ended, and record and publish the results of a closed one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from core.extensions import db
from core.models import Role, User
from core.timeutil import today
from core.workflow import Wait

from .models import Competition
from .models import CompetitionStatus as C


def _organizer(user: User):  # type: ignore[no-untyped-def]
    return true() if user.role == Role.ORGANIZER else None


def organizers(_competition: Competition) -> list[int]:
    return list(
        db.session.scalars(
            select(User.id).where(User.role == Role.ORGANIZER, User.enabled.is_(True))
        )
    )


def _registration_over(c: Competition) -> bool:
    return c.registration_closes is not None and c.registration_closes < today()


LINK = "/competitions?waiting=me"
WAITS = (
    Wait(C.DRAFT, ("open",), _l("Competitions to open for entries"), _l("Draft"), _organizer,
         LINK, people=organizers, since=lambda: Competition.created_at),
    # Open: nobody's step while registration runs; once it has ended, entries are closed.
    Wait(C.OPEN, ("close",), _l("Registration ended: close entries"),
         _l("Registration ended: awaiting the organizer"), _organizer, LINK, people=organizers,
         when=lambda: Competition.registration_closes < today(), applies=_registration_over,
         since=lambda: Competition.registration_closes),
    Wait(C.CLOSED, ("publish",), _l("Results to record and publish"),
         _l("Entries closed: results to record and publish"), _organizer, LINK,
         people=organizers, since=lambda: Competition.end_date),
)  # fmt: skip

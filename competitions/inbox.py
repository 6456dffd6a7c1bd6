"""What waits in the organizer's inbox: every competition waiting for the organizers (the
workflow's waits), and registrations closing within a week (nobody's step yet: a reminder)."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today

from .models import Competition, CompetitionStatus
from .services import WORKFLOW


def inbox(user: User) -> list[InboxItem]:
    items = WORKFLOW.inbox(user)
    if user.role == Role.ORGANIZER:
        closing, first = db.session.execute(
            select(func.count(Competition.id), func.min(Competition.registration_closes)).where(
                Competition.status == CompetitionStatus.OPEN,
                Competition.registration_closes >= today(),
                Competition.registration_closes <= today() + timedelta(days=7),
            )
        ).one()
        items.append(InboxItem(_l("Registrations closing within a week"), closing,
                               "/competitions", first))  # fmt: skip
    return items

"""What waits in the organizer's inbox: registrations closing within a week, and competitions
closed for entries whose results are not published yet."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today

from .models import Competition, CompetitionStatus


def inbox(user: User) -> list[InboxItem]:
    if user.role != Role.ORGANIZER:
        return []
    closing, first = db.session.execute(
        select(func.count(Competition.id), func.min(Competition.registration_closes)).where(
            Competition.status == CompetitionStatus.OPEN,
            Competition.registration_closes <= today() + timedelta(days=7),
        )
    ).one()
    unpublished, oldest = db.session.execute(
        select(func.count(Competition.id), func.min(Competition.end_date)).where(
            Competition.status == CompetitionStatus.CLOSED
        )
    ).one()
    return [
        InboxItem(_l("Registrations closing within a week"), closing, "/competitions", first),
        InboxItem(_l("Results to record and publish"), unpublished, "/competitions", oldest),
    ]

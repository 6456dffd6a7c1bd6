"""What waits in the inbox: HR's placements to review; a teacher's placements returned to them
and mentor links about to expire."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today, utcnow
from teachers.models import Teacher

from . import title_review
from .models import MentorLink, Placement, PlacementStatus


def inbox(user: User) -> list[InboxItem]:
    if user.role == Role.SCHOOL_HR:
        n, oldest = db.session.execute(
            select(func.count(Placement.id), func.min(Placement.submitted_at))
            .join(Teacher, Placement.teacher_id == Teacher.id)
            .where(
                Teacher.school_id == user.school_id, Placement.status == PlacementStatus.SUBMITTED
            )
        ).one()
        return [
            InboxItem(_l("Enterprise practice to review"), n, "/placements?status=submitted",
                      oldest),
            InboxItem(_l("Teachers in this year's title review short of practice days"),
                      _short_for_title_review(user.school_id), "/title-review"),
        ]  # fmt: skip
    if user.role == Role.TEACHER and user.teacher is not None:
        mine = Placement.teacher_id == user.teacher.id
        returned, since = db.session.execute(
            select(func.count(Placement.id), func.min(Placement.decided_at)).where(
                mine, Placement.status == PlacementStatus.RETURNED
            )
        ).one()
        expiring, first = db.session.execute(
            select(func.count(MentorLink.id), func.min(MentorLink.expires_at))
            .join(Placement, MentorLink.placement_id == Placement.id)
            .where(
                mine,
                MentorLink.used_at.is_(None),
                MentorLink.closed_at.is_(None),
                MentorLink.expires_at < utcnow() + timedelta(days=7),
            )
        ).one()
        return [
            InboxItem(_l("Enterprise practice returned to you"), returned,
                      "/placements?status=returned", since),
            InboxItem(_l("Mentor links expiring within 7 days"), expiring, "/placements", first),
        ]  # fmt: skip
    return []


def _short_for_title_review(school_id: int) -> int:
    return title_review.count(title_review.short_of_practice(school_id, today()))

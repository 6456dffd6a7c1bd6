"""Scheduled work for enterprise practice. Each job is safe to run twice: notifications carry a
key, and closing expired links only touches open ones."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.notifications import notify
from core.rules import get_rule
from core.timeutil import today
from teachers.models import Teacher, TeacherStatus

from . import mentor
from .ledger import Window, days_by_teacher, falls_short, round_days


def short_within_a_year() -> list[tuple[int, int | None, float]]:
    """Active professional teachers whose practice will be short of the requirement a year from
    now, counting what stays in the window then: (teacher id, user id, days that will count)."""
    on = today()
    later = Window.ending(on + timedelta(days=365))
    counted = Window(later.start, on)  # what is approved now and still counts a year from now
    required = get_rule("practice_days_required", on)
    days = days_by_teacher(counted).subquery()
    rows = db.session.execute(
        select(Teacher.id, Teacher.user_id, func.coalesce(days.c[1], 0))
        .outerjoin(days, days.c.teacher_id == Teacher.id)
        .where(Teacher.status == TeacherStatus.ACTIVE, Teacher.professional.is_(True))
        .where(falls_short(days.c[1], required))
    ).all()
    return [(tid, uid, float(round_days(d))) for tid, uid, d in rows]


def daily_reminders() -> dict[str, int]:
    on = today()
    required = get_rule("practice_days_required", on)
    sent = 0
    for teacher_id, user_id, days in short_within_a_year():
        if user_id is None:
            continue
        notify(
            user_id,
            "practice_short",
            key=f"practice_short:{teacher_id}:{on:%Y-%m}",
            link=f"/teachers/{teacher_id}/practice",
            days=days,
            required=required,
        )
        sent += 1
    return {"teachers_notified": sent, "links_closed": mentor.close_expired()}


def weekly_hr_digest() -> dict[str, int]:
    """HR of each school: how many of their teachers will be short within a year."""
    on = today()
    short = {}
    ids = [tid for tid, _uid, _d in short_within_a_year()]
    if ids:
        short = dict(
            db.session.execute(
                select(Teacher.school_id, func.count())
                .where(Teacher.id.in_(ids))
                .group_by(Teacher.school_id)
            ).all()
        )
    sent = 0
    week = on.isocalendar()
    for user in db.session.scalars(
        select(User).where(User.role == Role.SCHOOL_HR, User.enabled.is_(True))
    ):
        count = short.get(user.school_id, 0)
        if count:
            notify(
                user,
                "practice_digest",
                key=f"practice_digest:{user.id}:{week.year}-{week.week}",
                link="/placements?status=submitted",
                count=count,
            )
            sent += 1
    return {"hr_notified": sent}

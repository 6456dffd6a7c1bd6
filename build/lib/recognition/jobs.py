"""Daily: tell HR who is due for a dual-qualified recheck in the next six months (once each)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import Role, User
from core.notifications import notify
from core.timeutil import today
from teachers.models import Teacher

from .models import Kind, Recognition, Status


def recheck_notices() -> dict[str, int]:
    horizon = today() + timedelta(days=183)
    due = db.session.execute(
        select(Recognition.id, Teacher.name, Teacher.school_id, Recognition.recheck_due)
        .join(Teacher, Recognition.teacher_id == Teacher.id)
        .where(
            Recognition.kind == Kind.DUAL_QUALIFIED,
            Recognition.status == Status.CONFIRMED,
            Recognition.recheck_due <= horizon,
        )
    ).all()
    hr: dict[int, list[int]] = {}
    for uid, sid in db.session.execute(
        select(User.id, User.school_id).where(User.role == Role.SCHOOL_HR, User.enabled.is_(True))
    ):
        hr.setdefault(sid, []).append(uid)
    sent = 0
    for rid, name, school_id, day in due:
        for uid in hr.get(school_id, []):
            notify(
                uid,
                "recheck_due",
                key=f"recheck:{rid}:{uid}",
                link="/ethics",
                name=name,
                day=day.isoformat(),
            )
            sent += 1
    return {"notices": sent}

"""Daily: appointments past their term end, and notices 30 days before an end. Safe to repeat."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.db import contained
from core.errors import Conflict
from core.extensions import db
from core.models import Role, User
from core.notifications import notify
from core.timeutil import today

from .models import Appointment, AppointmentStatus
from .services import transition


def daily() -> dict[str, int]:
    on = today()
    ended = 0
    for appointment in db.session.scalars(
        select(Appointment).where(
            Appointment.status == AppointmentStatus.APPROVED, Appointment.term_end < on
        )
    ).all():
        try:  # the workflow's step, under its lock: a run elsewhere may have ended it meanwhile
            with contained():  # that one refusal undoes its own step, not the job's others
                transition(appointment, "end", None)
        except Conflict:
            continue
        ended += 1
    soon = list(
        db.session.scalars(
            select(Appointment).where(
                Appointment.status == AppointmentStatus.APPROVED,
                Appointment.term_end >= on,
                Appointment.term_end <= on + timedelta(days=30),
            )
        )
    )
    hr_by_school: dict[int, list[int]] = {}
    if soon:
        for user_id, school_id in db.session.execute(
            select(User.id, User.school_id).where(
                User.role == Role.SCHOOL_HR,
                User.enabled.is_(True),
                User.school_id.in_({a.school_id for a in soon}),
            )
        ):
            hr_by_school.setdefault(school_id, []).append(user_id)
    notices = 0
    for appointment in soon:
        for user_id in hr_by_school.get(appointment.school_id, []):
            notify(
                user_id,
                "appointment_ending",
                key=f"appointment_ending:{appointment.id}:{user_id}",
                link=f"/appointments/{appointment.id}",
                name=appointment.name,
                day=appointment.term_end.isoformat(),
            )
            notices += 1
    db.session.flush()
    return {"ended": ended, "notices": notices}

"""What waits in the inbox: appointments for the second HR approver or the bureau; reports due
after an overseas visit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today

from .appointments.models import Appointment, AppointmentStatus
from .appointments.services import visible
from .teams.models import Nomination, NominationStatus, OverseasBatch


def inbox(user: User) -> list[InboxItem]:
    items = []
    if user.role == Role.SCHOOL_HR:
        query = visible(user).where(
            Appointment.status == AppointmentStatus.SUBMITTED,
            Appointment.proposed_by_id != user.id,
        )
        sub = query.subquery()
        n, oldest = db.session.execute(select(func.count(), func.min(sub.c.created_at))).one()
        items.append(InboxItem(_l("Part-time appointments waiting for your approval"), n,
                               "/appointments?status=submitted", oldest))  # fmt: skip
    if user.role in (Role.BUREAU, Role.ADMIN):
        sub = visible(user).where(Appointment.status == AppointmentStatus.PENDING_BUREAU).subquery()
        n, oldest = db.session.execute(select(func.count(), func.min(sub.c.created_at))).one()
        items.append(InboxItem(_l("Part-time appointments waiting for the bureau"), n,
                               "/appointments?status=pending_bureau", oldest))  # fmt: skip
    if user.role == Role.TEACHER and user.teacher is not None:
        n, oldest = db.session.execute(
            select(func.count(Nomination.id), func.min(OverseasBatch.end_date))
            .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
            .where(
                Nomination.teacher_id == user.teacher.id,
                Nomination.status == NominationStatus.CONFIRMED,
                OverseasBatch.end_date < today(),
            )
        ).one()
        items.append(InboxItem(_l("Reports due after your overseas visit"), n, "/overseas",
                               oldest))  # fmt: skip
    return items

"""What waits in the inbox: HR's applications to review; the bureau's D-class cases, decisions
and notice periods that have ended; a teacher's recheck coming up."""

from __future__ import annotations

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today

from . import services
from .models import Kind, Recognition, Status


def _count(user: User, *where):  # type: ignore[no-untyped-def]
    query = services.visible(user).where(*where).subquery()
    return db.session.execute(select(func.count(), func.min(query.c.created_at))).one()


def inbox(user: User) -> list[InboxItem]:
    dual = Recognition.kind == Kind.DUAL_QUALIFIED
    if user.role == Role.SCHOOL_HR:
        n, oldest = _count(user, dual, Recognition.status == Status.APPLIED)
        return [InboxItem(_l("Dual-qualified applications to review"), n,
                          "/recognitions?kind=dual_qualified&status=applied", oldest)]  # fmt: skip
    if user.role in (Role.BUREAU, Role.ADMIN):
        d_class = _count(
            user, Recognition.kind == Kind.D_CLASS, Recognition.status == Status.PENDING
        )
        decisions = _count(user, dual, Recognition.status == Status.SCHOOL_PASSED)
        ended = _count(
            user, dual, Recognition.status == Status.NOTICE, Recognition.notice_until < today()
        )
        return [
            InboxItem(_l("D-class cases to confirm"), d_class[0],
                      "/recognitions?kind=d_class&status=pending", d_class[1]),
            InboxItem(_l("Dual-qualified decisions to make"), decisions[0],
                      "/recognitions?kind=dual_qualified&status=school_passed", decisions[1]),
            InboxItem(_l("Notice periods ended: recognise or reject"), ended[0],
                      "/recognitions?kind=dual_qualified&status=notice", ended[1]),
        ]  # fmt: skip
    if user.role == Role.TEACHER:
        due = _count(
            user,
            dual,
            Recognition.status == Status.CONFIRMED,
            Recognition.recheck_due <= today() + timedelta(days=183),
        )
        return [InboxItem(_l("Dual-qualified recheck due within six months"), due[0],
                          "/recognitions", due[1])]  # fmt: skip
    return []

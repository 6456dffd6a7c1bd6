"""What waits in the inbox: every recognition for whoever takes its next step (the workflow's
waits), and a teacher's recheck coming up."""

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
from .workflow import RECOGNITION


def inbox(user: User) -> list[InboxItem]:
    items = RECOGNITION.inbox(user)
    if user.role == Role.TEACHER:
        query = (
            services.visible(user)
            .where(
                Recognition.kind == Kind.DUAL_QUALIFIED,
                Recognition.status == Status.CONFIRMED,
                Recognition.recheck_due <= today() + timedelta(days=183),
            )
            .subquery()
        )
        due, since = db.session.execute(select(func.count(), func.min(query.c.created_at))).one()
        items.append(InboxItem(_l("Dual-qualified recheck due within six months"), due,
                               "/recognitions", since))  # fmt: skip
    return items

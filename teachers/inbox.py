"""What waits in the inbox: appointments for whoever takes their next step (their workflow's
waits): appointments, innovation teams and overseas nominations."""

from __future__ import annotations

from core.models import User
from core.nav import InboxItem

from .appointments import services as appointments
from .teams import services as teams


def inbox(user: User) -> list[InboxItem]:
    return (
        appointments.WORKFLOW.inbox(user)
        + teams.TEAM_WORKFLOW.inbox(user)
        + teams.NOMINATION_WORKFLOW.inbox(user)
    )

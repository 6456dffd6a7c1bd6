"""What waits in the inbox: every placement for whoever takes its next step (the workflow's
waits: the teacher's drafts, returned placements and links to send; HR's reviews), and HR's
teachers in this year's title review who are short of practice days."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core.models import Role, User
from core.nav import InboxItem
from core.timeutil import today

from . import title_review
from .enterprise_jobs import JOB_WORKFLOW
from .services import WORKFLOW


def inbox(user: User) -> list[InboxItem]:
    items = WORKFLOW.inbox(user) + JOB_WORKFLOW.inbox(user)
    if user.role == Role.SCHOOL_HR:
        items.append(
            InboxItem(_l("Teachers in this year's title review short of practice days"),
                      _short_for_title_review(user.school_id), "/title-review")
        )  # fmt: skip
    return items


def _short_for_title_review(school_id: int) -> int:
    return title_review.count(title_review.short_of_practice(school_id, today()))

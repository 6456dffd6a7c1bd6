"""Roster exports too large for one request (imports run as core's import task)."""

from __future__ import annotations

import io

from flask_babel import gettext as _

from core import tasks
from core.excel import XLSX
from core.models import Task, User

from . import roster
from .queries import TeacherFilters, filtered_teachers

EXPORT = "teachers.roster_export"


def start_export(user: User, filters: TeacherFilters, count: int) -> Task:
    return tasks.start(
        EXPORT,
        user,
        {"filters": filters.as_args()},
        title=_("%(n)d teachers", n=count),
        total=count,
    )


def run_export(task: Task, progress: tasks.Progress) -> tasks.Output:
    filters = TeacherFilters.from_args(task.params["filters"])
    query = filtered_teachers(task.started_by, filters)
    buffer = io.BytesIO()
    roster.export_workbook(query, progress).save(buffer)
    return tasks.Output("教师名册.xlsx", XLSX, buffer.getvalue())

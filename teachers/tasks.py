"""Roster work too large for one request: imports of many rows and exports of many teachers."""

from __future__ import annotations

import io
import secrets
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import text

from core import tasks
from core.excel import XLSX
from core.extensions import db
from core.models import School, Task, User
from core.storage import storage

from . import roster
from .queries import TeacherFilters, filtered_teachers

IMPORT = "teachers.roster_import"
EXPORT = "teachers.roster_export"
SHOWN_ERRORS = 500  # a sheet with more problems than this is listed in part


def start_import(stream: Any, school: School, by: User, rows: int | None) -> Task:
    """Keep the uploaded sheet where every worker can read it and queue its import."""
    key = f"tasks/in/{secrets.token_hex(16)}.xlsx"
    storage().save(key, stream.read())
    return tasks.start(
        IMPORT,
        by,
        # Links are made here: a worker has no request to make them from.
        {
            "school_id": school.id,
            "input_key": key,
            "roster_url": url_for("teachers.index", school=school.code),
        },
        title=school.name,
        total=rows,
    )


@tasks.register(IMPORT, _l("Roster import"))
def run_import(task: Task, progress: tasks.Progress) -> dict[str, Any]:
    school = db.session.get(School, task.params["school_id"])
    try:
        with storage().open(task.params["input_key"]) as sheet:
            rows = roster.read_roster(io.BytesIO(sheet.read()))
        progress(0, len(rows), force=True)
        errors, ready = roster.check_rows(rows, school, progress)
        if errors:
            raise roster.ImportRefused(errors)
    except roster.ImportRefused as refused:
        raise tasks.Refused(
            _("Nothing was imported: the file has %(n)d problems.", n=len(refused.errors)),
            {
                "errors": refused.errors[:SHOWN_ERRORS],
                "more": max(0, len(refused.errors) - SHOWN_ERRORS),
            },
        ) from None
    # Every row is good: write them all in one transaction, which the task's completion ends.
    with progress.writing():
        created, updated = roster.write_checked_rows(ready, school, task.started_by)
        db.session.execute(text("ANALYZE teachers"))  # a bulk load: tell the planner
    return {
        "summary": [[_("Teachers added"), created], [_("Teachers updated"), updated]],
        "next_url": task.params["roster_url"],
        "next_label": _("Open the roster"),
    }


def start_export(user: User, filters: TeacherFilters, count: int) -> Task:
    return tasks.start(
        EXPORT,
        user,
        {"filters": filters.as_args()},
        title=_("%(n)d teachers", n=count),
        total=count,
    )


@tasks.register(EXPORT, _l("Roster export (Excel)"))
def run_export(task: Task, progress: tasks.Progress) -> tasks.Output:
    filters = TeacherFilters.from_args(task.params["filters"])
    query = filtered_teachers(task.started_by, filters)
    buffer = io.BytesIO()
    roster.export_workbook(query, progress).save(buffer)
    return tasks.Output("教师名册.xlsx", XLSX, buffer.getvalue())

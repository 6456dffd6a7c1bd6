"""How an import runs for a page or the API: the uploaded file kept between the preview and the
confirmation, and a large confirmed import run as a background task with its progress."""

from __future__ import annotations

import io
import secrets
import time
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import text

from . import imports, tasks
from .errors import NotFound, PermissionDenied
from .excel import SheetError, sheet_rows
from .extensions import db
from .models import School, Task, User
from .storage import storage

TASK = "core.import"
SHOWN_ERRORS = 500  # a sheet with more problems than this is listed in part
STAGED_HOURS = 24  # a preview can be confirmed within a day


def _signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="import-staging")


def stage(data: bytes, kind: imports.Kind, school: School | None, by: User, filename: str,
          attachments: bytes | None = None) -> str:  # fmt: skip
    """Keep the uploaded file (and the .zip of files its rows name) for its confirmation; the
    token names them, signed for `by` alone."""
    key = f"imports/{secrets.token_hex(16)}.xlsx"
    storage().save(key, data)
    files = None
    if attachments:
        files = f"imports/{secrets.token_hex(16)}.zip"
        storage().save(files, attachments)
    return _signer().dumps(
        {"input_key": key, "kind": kind.key, "school": school.id if school else None, "by": by.id,
         "name": filename[:200], "attachments_key": files}
    )  # fmt: skip


def staged(token: str, by: User) -> dict[str, Any]:
    """What a confirmation token names, when it is `by`'s and still fresh."""
    try:
        data = _signer().loads(token, max_age=STAGED_HOURS * 3600)
    except BadSignature:
        raise NotFound(_("This preview has expired: upload the file again.")) from None
    if data.get("by") != by.id:
        raise PermissionDenied(_("This preview is someone else's: upload the file yourself."))
    if not storage().exists(data["input_key"]):
        raise NotFound(_("This preview has expired: upload the file again."))
    return data


def read_staged(data: dict[str, Any]) -> io.BytesIO:
    with storage().open(data["input_key"]) as file:
        return io.BytesIO(file.read())


def staged_attachments(data: dict[str, Any]) -> bytes | None:
    """The .zip that came with the staged sheet, if one did."""
    key = data.get("attachments_key")
    if not key:
        return None
    with storage().open(key) as file:
        return file.read()


def forget_stale_previews() -> int:
    """Remove the files of previews nobody confirmed within STAGED_HOURS (housekeeping)."""
    folder = storage().path("imports")
    if not folder.is_dir():
        return 0
    limit = time.time() - STAGED_HOURS * 3600
    stale = [f for f in folder.iterdir() if f.is_file() and f.stat().st_mtime < limit]
    for file in stale:
        file.unlink(missing_ok=True)
    return len(stale)


def is_large(stream: Any) -> bool:
    try:
        rows = sheet_rows(stream)  # an .xlsx says its size without being read
    except SheetError:
        rows = imports.height(stream)  # .xls, .ods, CSV: read to count
        if rows is None:
            return False  # not a sheet: checked at once, and said so
    return rows is None or rows > current_app.config["IMPORT_INLINE_ROWS"]


def start(data: dict[str, Any], by: User, rows_hint: int | None = None) -> Task:
    """Run a confirmed import in the background (the file is already staged)."""
    kind = imports.KINDS[data["kind"]]
    school = db.session.get(School, data["school"]) if data["school"] else None
    # The task keeps its own copy, removed like every task's input (core.tasks.housekeeping);
    # what stays under imports/ are previews, forgotten after STAGED_HOURS.
    key = f"tasks/in/{secrets.token_hex(16)}.xlsx"
    storage().save(key, read_staged(data).getvalue())
    storage().delete(data["input_key"])
    data = {**data, "input_key": key}
    return tasks.start(
        TASK,
        by,
        # Links are made here: a worker has no request to make them from.
        {
            **data,
            "back_url": kind.done_url(school) if kind.done_url else url_for("core.imports_home"),
        },
        title=f"{kind.label} · {school.name if school else data['name']}",
        total=rows_hint,
    )


def run_task(task: Task, progress: tasks.Progress) -> dict[str, Any]:
    params = task.params
    kind = imports.KINDS[params["kind"]]
    school = db.session.get(School, params["school"]) if params["school"] else None
    # Check first, writing nothing; then, when all is well, write in one transaction that the
    # task's completion ends.
    files = staged_attachments(params)
    outcome = imports.run(kind, read_staged(params), task.started_by, school, dry_run=True,
                          attachments=files)  # fmt: skip
    if not outcome.ok:
        raise tasks.Refused(
            _("Nothing was imported: the file has %(n)d problems.", n=len(outcome.errors)),
            {"errors": outcome.errors[:SHOWN_ERRORS],
             "more": max(0, len(outcome.errors) - SHOWN_ERRORS)},
        )  # fmt: skip
    checked = outcome.created + outcome.updated + outcome.unchanged
    progress(checked, checked, force=True)  # every row checked; the writing follows
    with progress.writing():
        outcome = imports.run(
            kind, read_staged(params), task.started_by, school, dry_run=False,
            filename=params["name"], progress=lambda done, total: progress(done, total),
            attachments=files,
        )  # fmt: skip
        if not outcome.ok:  # changed between the check and the write: nothing is kept
            raise tasks.Refused(
                _("Nothing was imported: the file has %(n)d problems.", n=len(outcome.errors)),
                {"errors": outcome.errors[:SHOWN_ERRORS], "more": 0},
            )
        for table in sorted(outcome.tables):  # a bulk load: tell the planner (SQLite keeps none)
            db.session.execute(text(f"ANALYZE {table}"))
    return {
        "summary": [
            [_("New records"), outcome.created],
            [_("Updated records"), outcome.updated],
            [_("Unchanged records"), outcome.unchanged],
        ],
        "next_url": params["back_url"],
        "next_label": _("See the imported records"),
    }

"""The person's background tasks: a list with live progress, each task's outcome, its file."""

from __future__ import annotations

from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import tasks
from ..db import paginate
from ..errors import NotFound
from ..extensions import db
from ..health import last_worker, workers_seen
from ..models import Task, TaskStatus
from ..permissions import login_required
from ..storage import storage
from ..timeutil import utcnow
from .blueprint import bp


def own_task(task_id: int) -> Task:
    """The signed-in user's task; another person's task is not found (its existence is private)."""
    task = db.session.get(Task, task_id)
    if task is None or task.started_by_id != current_user.id:
        raise NotFound(_("No such task."))
    return task


def send_task_file(task: Task):  # type: ignore[no-untyped-def]
    return send_file(
        storage().path(task.file_key),
        mimetype=task.content_type,
        as_attachment=True,
        download_name=task.file_name,
        max_age=0,
    )


def downloadable(task: Task) -> bool:
    return bool(task.file_key) and task.expires_at is not None and task.expires_at > utcnow()


def task_state(task: Task, file_endpoint: str = "core.task_file") -> dict[str, Any]:
    """What the page (and the API) show of a task; the page's script refreshes from this."""
    percent = None
    if task.total:
        percent = min(100, round(100 * task.done / task.total))
    elif task.status == TaskStatus.DONE:
        percent = 100
    return {
        "id": task.id,
        "kind": task.kind,
        "kind_label": tasks.label_of(task),
        "title": task.title,
        "status": task.status,
        "status_label": str(tasks.TASK_STATUS[TaskStatus(task.status)]),
        "done": task.done,
        "total": task.total,
        "percent": percent,
        "attempts": task.attempts,
        "error": task.error,
        "file_name": task.file_name if downloadable(task) else None,
        "download_url": (url_for(file_endpoint, task_id=task.id) if downloadable(task) else None),
        "created_at": task.created_at.isoformat() + "Z",
        "finished_at": task.finished_at.isoformat() + "Z" if task.finished_at else None,
        "expires_at": task.expires_at.isoformat() + "Z" if task.expires_at else None,
    }


def own_tasks_query():  # type: ignore[no-untyped-def]
    return (
        select(Task)
        .where(Task.started_by_id == current_user.id)
        .order_by(Task.created_at.desc(), Task.id.desc())
    )


@bp.get("/tasks")
@login_required
def task_list():  # type: ignore[no-untyped-def]
    pagination = paginate(
        own_tasks_query(), page=request.args.get("page", 1, type=int), per_page=25
    )
    return render_template(
        "core/tasks.html", pagination=pagination, state=task_state, downloadable=downloadable
    )


@bp.get("/tasks/state.json")
@login_required
def task_states():  # type: ignore[no-untyped-def]
    """The states of the listed tasks (ids=1,2,3), for the progress bars to follow."""
    try:
        ids = [int(i) for i in request.args.get("ids", "").split(",") if i][:100]
    except ValueError:
        abort(400)
    found = db.session.scalars(
        select(Task).where(Task.started_by_id == current_user.id, Task.id.in_(ids))
    )
    return jsonify({"tasks": [task_state(t) for t in found]})


@bp.get("/tasks/<int:task_id>")
@login_required
def task_detail(task_id: int):  # type: ignore[no-untyped-def]
    task = own_task(task_id)
    return render_template(
        "core/task.html", task=task, state=task_state(task), downloadable=downloadable(task),
        no_worker=_no_worker(task),
    )  # fmt: skip


def _no_worker(task: Task) -> dict | None:
    """Why a queued task waits: no worker was heard from lately (when it was last seen)."""
    if task.status != TaskStatus.QUEUED or current_app.config.get("TASKS_IMMEDIATE"):
        return None
    if workers_seen():
        return None
    last = last_worker()
    return {"last": last.at if last else None}


@bp.get("/tasks/<int:task_id>/file")
@login_required
def task_file(task_id: int):  # type: ignore[no-untyped-def]
    task = own_task(task_id)
    if not downloadable(task):
        flash(_("This file is no longer kept. Start the task again to make a new one."), "warning")
        return redirect(url_for("core.task_detail", task_id=task.id))
    return send_task_file(task)


@bp.post("/tasks/<int:task_id>/retry")
@login_required
def task_retry(task_id: int):  # type: ignore[no-untyped-def]
    task = own_task(task_id)
    tasks.retry(task, current_user)
    flash(_("Started again: %(what)s.", what=tasks.describe(task)), "success")
    return redirect(url_for("core.task_detail", task_id=task.id))

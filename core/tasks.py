"""Long work in the background: certificate batches, big imports and exports, reports.

The queue is huey's (https://huey.readthedocs.io): Redis when `REDIS_URL` is set, so any number
of workers on any machine share it; otherwise a SQLite file in the instance folder, so a single
machine needs nothing more. The queue carries only a task's id. The `tasks` row is the truth:
who started it, its progress, its file or its error. That makes a lost or duplicated message
harmless: a worker first *claims* the row with a conditional UPDATE (one winner, whatever the
number of workers), and a housekeeping job sends again any task that waited or ran too long.

A package declares a kind of task in its `init_app` with `register(name, label)(func)` and
starts one with `start(...)`; the
task is sent to the queue after the request's commit, so a rolled-back request starts nothing
and a worker never looks for a row that is not there yet.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, has_app_context
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select, text, update

from . import audit, notifications
from .db import after_commit, begin_unit, commits, reading, unit_of_work, writing
from .errors import Conflict
from .extensions import db
from .handover import Notice
from .models import Task, TaskStatus, User
from .notifications import register_kind
from .storage import storage
from .timeutil import utcnow
from .workflow import SYSTEM, Step, Workflow

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TaskKind:
    name: str
    func: Callable[[Task, Progress], Output | dict[str, Any] | None]
    label: Any  # what people read, e.g. "证书批量下载 (PDF)"
    max_attempts: int


KINDS: dict[str, TaskKind] = {}


def register(
    name: str, label: Any, *, max_attempts: int = 3
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a kind of task: `func(task, progress)` reads `task.params` and returns an
    `Output` (a file to download), a summary dict, or None. It runs as a reader; the writes it
    makes inside `with progress.writing():` commit together with the task's completion, so a
    worker killed midway leaves nothing written."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        KINDS[name] = TaskKind(name, func, label, max_attempts)
        return func

    return decorator


@dataclass
class Output:
    file_name: str
    content_type: str
    data: bytes | Iterable[bytes]
    summary: dict[str, Any] = field(default_factory=dict)


class Refused(Exception):  # noqa: N818 (a refusal, not a crash: the input itself is wrong)
    """The task's input cannot be used (e.g. an import with bad rows): no retry; the message
    and the details (e.g. every bad cell) are shown to the person who started it."""

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}


def label_of(task: Task) -> str:
    kind = KINDS.get(task.kind)
    return str(kind.label) if kind else _("Background task")


def describe(task: Task) -> str:
    """What the task is, as people read it: its kind and what it is about."""
    return f"{label_of(task)} {task.title}".strip()


# --- starting -------------------------------------------------------------------------------


def start(
    kind: str, by: User, params: dict[str, Any], title: str = "", total: int | None = None
) -> Task:
    """Create the task; it is queued when the current transaction commits."""
    if kind not in KINDS:
        raise KeyError(f"unregistered task kind {kind}")
    task = Task(
        kind=kind,
        started_by_id=by.id,
        title=title[:200],
        params=params,
        total=total,
        max_attempts=KINDS[kind].max_attempts,
    )
    db.session.add(task)
    db.session.flush()
    audit.record("task_started", task, by=by, label=describe(task))
    _dispatch_after_commit(task.id)
    return task


# --- the task's workflow ------------------------------------------------------------------------


def _restarted(task: Task, _by: User | None, _reason: str) -> None:
    task.attempts = 0
    task.error = ""
    task.details = {}
    task.done = 0
    task.finished_at = None


def _check_free(task: Task, _by: User | None, _reason: str) -> None:
    """A running task is taken again only once its worker's lease ran out (the worker died)."""
    if task.status == TaskStatus.RUNNING and task.lease_until and task.lease_until >= utcnow():
        raise Conflict(_("Another worker runs this task."), status=task.status)


def _claimed(task: Task, _by: User | None, _reason: str) -> None:
    task.attempts = (task.attempts or 0) + 1
    task.started_at = utcnow()
    task.lease_until = _lease_end()


def _finished(task: Task, _by: User | None, _reason: str, result: Any = None) -> None:
    now = utcnow()
    if isinstance(result, Output):
        safe = "".join(ch for ch in result.file_name if ch not in '/\\:*?"<>|') or "file"
        key = f"tasks/{task.id}/{secrets.token_hex(8)}-{safe}"
        task.file_size = storage().save(key, result.data)
        task.file_key = key
        task.file_name = result.file_name[:200]
        task.content_type = result.content_type
        task.details = result.summary
    else:
        task.details = result or {}
    task.done = task.total if task.total is not None else task.done
    task.finished_at = now
    task.expires_at = now + timedelta(days=current_app.config["TASK_FILE_DAYS"])
    task.lease_until = None
    task.error = ""


def _requeued(task: Task, _by: User | None, reason: str, details: Any = None) -> None:
    task.error = reason[:500]
    task.details = details or {}
    task.lease_until = None


def _failed(task: Task, by: User | None, reason: str, details: Any = None) -> None:
    _requeued(task, by, reason, details)
    task.finished_at = utcnow()


def _starter(by: User | None, task: Task) -> bool:
    return by is not None and task.started_by_id == by.id


def _tell(kind: str) -> list[Notice]:
    return [Notice(kind, lambda t: [t.started_by_id], lambda t: f"/tasks/{t.id}",
                   lambda t: {"what": describe(t)})]  # fmt: skip


TASK_STATUS = {
    TaskStatus.QUEUED: _l("Waiting"),
    TaskStatus.RUNNING: _l("In progress"),
    TaskStatus.DONE: _l("Finished"),
    TaskStatus.FAILED: _l("Failed"),
}
_claim_step = Step(TaskStatus.RUNNING, SYSTEM, guard=_check_free, effect=_claimed,
                   audit_as="task_claimed")  # fmt: skip
TASK_WORKFLOW = Workflow(
    {
        (TaskStatus.FAILED, "retry"): Step(TaskStatus.QUEUED, _starter, effect=_restarted,
                                           audit_as="task_retried"),
        (TaskStatus.QUEUED, "claim"): _claim_step,
        (TaskStatus.RUNNING, "claim"): _claim_step,
        (TaskStatus.RUNNING, "finish"): Step(TaskStatus.DONE, SYSTEM, effect=_finished,
                                             audit_as="task_done"),
        (TaskStatus.RUNNING, "requeue"): Step(TaskStatus.QUEUED, SYSTEM, effect=_requeued,
                                              audit_as="task_requeued"),
        (TaskStatus.RUNNING, "fail"): Step(TaskStatus.FAILED, SYSTEM, effect=_failed,
                                           audit_as="task_failed"),
    },
    TASK_STATUS,
    {"retry": _l("Try again")},
    {"finish": _tell("task_done"), "fail": _tell("task_failed")},
    describe=lambda t: {"label": describe(t)},
)  # fmt: skip


def send_mail_after_commit() -> None:
    """Have the mail queue sent by a worker once this transaction commits (once, however many
    notifications were queued in it)."""
    after_commit("mail", lambda: send_function("shuangshi.send_mail"))


def retry(task: Task, by: User) -> None:
    """Start a failed task again from the beginning (two clicks on "try again" start it once)."""
    TASK_WORKFLOW.transition(task, "retry", by)
    _dispatch_after_commit(task.id)


def _dispatch_after_commit(task_id: int) -> None:
    """Queue the task once its row is committed: a worker must find it as it is now."""
    after_commit(("task", task_id), lambda: send(task_id))


def send(task_id: int, delay: int = 0) -> None:
    """Put the task's id on the queue (or, in tests, run it now)."""
    if current_app.config["TASKS_IMMEDIATE"]:
        execute(task_id)
        return
    try:
        _enqueue(task_id, delay)
    except Exception:  # the queue is down: the task waits in its row; housekeeping resends it
        log.exception("could not queue task %s", task_id)


# --- the queue --------------------------------------------------------------------------------

_huey: Any = None
_huey_for: tuple[Any, ...] | None = None  # the configuration it was made for
_sender: Any = None  # the huey task that carries a task id to a worker
_function_sender: Any = None  # the one that names a registered function
_app: Flask | None = None


def queue() -> Any:
    """The huey instance of this process (made on first use from the app's configuration)."""
    global _huey, _sender, _function_sender, _huey_for
    config = current_app.config
    where = (config["REDIS_URL"], str(db.engine.url), config["TASK_QUEUE_FILE"])
    if _huey is not None and _huey_for != where:  # another app of this process (tests)
        reset_queue()
    if _huey is None:
        from huey import RedisHuey, SqliteHuey

        _huey_for = where
        if config["REDIS_URL"]:
            _huey = RedisHuey(config["TASK_QUEUE_NAME"], url=config["REDIS_URL"], results=False)
        elif db.engine.dialect.name == "postgresql":
            _huey = _postgres_queue(config["TASK_QUEUE_NAME"])
        else:
            Path(config["TASK_QUEUE_FILE"]).parent.mkdir(parents=True, exist_ok=True)
            _huey = SqliteHuey(
                config["TASK_QUEUE_NAME"], filename=config["TASK_QUEUE_FILE"], results=False
            )
        _sender = _huey.task(name="shuangshi.run_task")(_run_in_worker)
        _function_sender = _huey.task(name="shuangshi.run_function")(run_function)
    return _huey


def queue_location() -> str:
    """Where the queue is, as the worker and /status say it."""
    config = current_app.config
    if config["REDIS_URL"]:
        return "Redis"
    if db.engine.dialect.name == "postgresql":
        return "PostgreSQL (huey_* tables)"
    return config["TASK_QUEUE_FILE"]


def _postgres_queue(name: str) -> Any:
    """With PostgreSQL and no Redis the queue lives in the database (huey's SQL storage, through
    peewee and psycopg 3): every machine on the database shares it, nothing more to run. Its
    tables are huey_kv, huey_schedule, huey_task and huey_counter, made when first needed."""
    from huey import Huey
    from huey.contrib.sql_huey import SqlStorage
    from playhouse.postgres_ext import Psycopg3Database

    class Storage(SqlStorage):  # type: ignore[misc]
        """huey's SQL storage with its tables named as the queue's (huey_*), beside ours."""

        def create_models(self):  # type: ignore[no-untyped-def]
            from huey.contrib.sql_huey import BytesBlobField
            from peewee import (
                CharField,
                CompositeKey,
                FloatField,
                IntegerField,
                Model,
                TimestampField,
            )

            class Base(Model):  # type: ignore[misc]
                class Meta:
                    database = self.database

            class KV(Base):  # type: ignore[misc]
                queue = CharField()
                key = CharField()
                value = BytesBlobField()

                class Meta:
                    table_name = "huey_kv"
                    primary_key = CompositeKey("queue", "key")

            class Schedule(Base):  # type: ignore[misc]
                queue = CharField()
                data = BytesBlobField()
                timestamp = TimestampField(resolution=1000)

                class Meta:
                    table_name = "huey_schedule"
                    indexes = ((("queue", "timestamp"), False),)

            class Task(Base):  # type: ignore[misc]
                queue = CharField()
                data = BytesBlobField()
                priority = FloatField(default=0.0)

                class Meta:
                    table_name = "huey_task"

            Task.add_index(Task.priority.desc(), Task.id)

            class Counter(Base):  # type: ignore[misc]
                queue = CharField()
                key = CharField()
                value = IntegerField()

                class Meta:
                    table_name = "huey_counter"
                    primary_key = CompositeKey("queue", "key")

            return (KV, Schedule, Task, Counter)

    url = db.engine.url
    database = Psycopg3Database(
        url.database, user=url.username, password=url.password, host=url.host, port=url.port
    )
    huey = Huey(name, storage_class=Storage, database=database, results=False, create_tables=False)
    # Made once, under a lock: two processes starting together (two workers, gunicorn's web
    # workers) would both CREATE TABLE IF NOT EXISTS, and PostgreSQL refuses the second.
    with db.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('shuangshi:queue-tables'))"))
        huey.storage.create_tables()
    return huey


def _run_in_worker(task_id: int) -> None:
    execute(task_id)


def _enqueue(task_id: int, delay: int) -> None:
    queue()
    if delay:
        _sender.schedule(args=(task_id,), delay=delay)
    else:
        _sender(task_id)


# Plain functions a worker runs on request, with no task row to follow (e.g. sending the mail
# queued by a commit); each one finds its own work in the database and is safe to run twice.
FUNCTIONS: dict[str, Callable[[], Any]] = {}


def register_function(name: str, func: Callable[[], Any]) -> None:
    FUNCTIONS[name] = func


def send_function(name: str) -> None:
    if current_app.config["TASKS_IMMEDIATE"]:
        run_function(name)
        return
    try:
        queue()
        _function_sender(name)
    except Exception:  # the queue is down: housekeeping asks again within five minutes
        log.exception("could not queue %s", name)


def run_function(name: str) -> None:
    app = current_app._get_current_object() if has_app_context() else _app  # type: ignore[attr-defined]
    with app.app_context():  # type: ignore[union-attr]
        try:
            with unit_of_work():  # a refusal the function caught keeps nothing either
                FUNCTIONS[name]()
        except Exception:
            log.exception("%s failed", name)
        finally:
            db.session.remove()


def reset_queue() -> None:
    """Forget this process's queue (tests that change the queue's configuration)."""
    global _huey, _sender, _function_sender
    if _huey is not None and hasattr(_huey.storage, "close"):
        _huey.storage.close()  # the PostgreSQL queue's own connection
    _huey = _sender = _function_sender = None


# --- running ------------------------------------------------------------------------------------


class Progress:
    """How far a task is, written in its own short transaction so every page sees it at once.
    Also renews the task's lease: a task not heard from for TASK_LEASE_SECONDS is presumed lost
    with its worker and is sent again."""

    def __init__(self, task_id: int) -> None:
        self.task_id = task_id
        self.done = 0
        self.total: int | None = None
        self._last = 0.0
        self._paused = False
        self.wrote = False

    def __call__(self, done: int, total: int | None = None, *, force: bool = False) -> None:
        self.done = done
        if total is not None:
            self.total = total
        now = time.monotonic()
        if self._paused or (not force and now - self._last < 0.5):
            return
        self._last = now
        values: dict[str, Any] = {"done": done, "lease_until": _lease_end()}
        if self.total is not None:
            values["total"] = self.total
        with db.engine.begin() as conn:
            conn.execute(update(Task).where(Task.id == self.task_id).values(**values))

    @contextmanager
    def writing(self) -> Iterator[None]:
        """The task's writes: they start a write transaction that ends with the task's
        completion. On SQLite that transaction holds the single write lock, so progress cannot
        be written beside it until it ends."""
        db.session.commit()  # end the read snapshot; nothing was written in it
        self.wrote = True
        self._paused = db.engine.dialect.name == "sqlite"
        try:
            with writing():
                yield
        finally:
            self._paused = False


def _lease_end():  # type: ignore[no-untyped-def]
    return utcnow() + timedelta(seconds=current_app.config["TASK_LEASE_SECONDS"])


def _claim(task_id: int) -> bool:
    """Take the task for this worker: one winner, however many workers got the same id (the
    step runs under the row's lock; the others find it running, or done)."""
    task = db.session.get(Task, task_id)
    if task is None:
        return False
    try:
        TASK_WORKFLOW.transition(task, "claim", None)
    except Conflict:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def execute(task_id: int) -> bool:
    """Run one task if this worker wins it; True when it ran (whatever its outcome)."""
    app = current_app._get_current_object() if has_app_context() else _app  # type: ignore[attr-defined]
    if app is None:
        raise RuntimeError("no Flask app for the task worker")
    with app.app_context():
        try:
            if not _claim(task_id):
                return False
            _run(task_id)
            return True
        finally:
            db.session.remove()


def _locale_of(user: User | None) -> str:
    return (user.locale if user else None) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _run(task_id: int) -> None:
    with reading():
        task = db.session.get(Task, task_id)
        if task is None or task.kind not in KINDS:  # pragma: no cover - a deleted row
            return
        kind, user = KINDS[task.kind], task.started_by
    progress = Progress(task_id)
    begin_unit()
    with force_locale(_locale_of(user)):
        try:
            with reading():
                result = kind.func(task, progress)
            if not commits():  # a service refused, and the task carried on: nothing is kept
                db.session.rollback()
                raise Refused(_("Nothing was saved: a rule refused part of the work."))
            if not progress.wrote:
                db.session.rollback()  # end the read snapshot before writing the outcome
            _finish(db.session.get(Task, task_id), result)
            db.session.commit()
        except Refused as refused:
            db.session.rollback()
            _fail(task_id, refused.message, refused.details, final=True)
        except Exception:
            db.session.rollback()
            log.exception("task %s (%s) failed", task_id, kind.name)
            _fail(task_id, _("Something went wrong on our side."), {}, final=False)


def _finish(task: Task, result: Output | dict[str, Any] | None) -> None:
    TASK_WORKFLOW.transition(task, "finish", None, result=result)


def _fail(task_id: int, message: str, details: dict[str, Any], *, final: bool) -> None:
    task = db.session.get(Task, task_id)
    if task is None:  # pragma: no cover
        return
    again = not final and task.attempts < task.max_attempts
    if again:
        delay = min(60, 5 * 2 ** (task.attempts - 1))  # read before the commit expires it
        TASK_WORKFLOW.transition(task, "requeue", None, str(message), details=details)
        db.session.commit()
        send(task_id, delay=delay)
        return
    TASK_WORKFLOW.transition(task, "fail", None, str(message), details=details)
    db.session.commit()


def _keep_beating(app: Flask) -> None:  # pragma: no cover - part of the long-running worker
    """The worker says it is alive every half minute (a heartbeat per process), so a task
    waiting with no worker to run it says why, and /status shows the workers seen."""
    import os
    import socket
    import threading

    from .health import WORKER_PREFIX, beat

    name = f"{WORKER_PREFIX}{socket.gethostname()}:{os.getpid()}"[:40]

    def loop() -> None:
        while True:
            try:
                with app.app_context():
                    beat(name)
            except Exception:
                log.exception("worker heartbeat failed")
            time.sleep(30)

    threading.Thread(target=loop, name="heartbeat", daemon=True).start()


# --- housekeeping ---------------------------------------------------------------------------------


def housekeeping() -> dict[str, int]:
    """Send again the tasks whose message was lost or whose worker died, and remove the files
    of tasks finished more than TASK_FILE_DAYS ago. Safe to run at any time, on any machine."""
    now = utcnow()
    waiting = db.session.scalars(
        select(Task.id).where(
            or_(
                and_(
                    Task.status == TaskStatus.QUEUED, Task.created_at < now - timedelta(minutes=5)
                ),
                and_(Task.status == TaskStatus.RUNNING, Task.lease_until < now),
            )
        )
    ).all()
    expired = db.session.scalars(
        select(Task).where(Task.file_key.is_not(None), Task.expires_at < now)
    ).all()
    for task in expired:
        storage().delete(task.file_key)
        task.file_key = None
    inputs = db.session.scalars(
        select(Task).where(
            Task.status.in_([TaskStatus.DONE, TaskStatus.FAILED]),
            Task.params["input_key"].as_string().is_not(None),
        )
    ).all()
    for task in inputs:  # an import's uploaded sheet is kept only while it may be retried
        if task.status == TaskStatus.DONE or (
            task.finished_at
            and task.finished_at < now - timedelta(days=current_app.config["TASK_FILE_DAYS"])
        ):
            storage().delete(task.params["input_key"])
            task.params = {k: v for k, v in task.params.items() if k != "input_key"}
    from . import mail
    from .ratelimit import forget_old_windows

    forgotten = forget_old_windows(int(time.time()) - 86400)
    if mail.configured():
        mail.resend_stuck()
        send_mail_after_commit()  # try what waits, after this commit
    db.session.flush()
    # After the commit: a worker must find the rows as they are now.
    for task_id in waiting:
        _dispatch_after_commit(task_id)
    return {"resent": len(waiting), "files_removed": len(expired), "counters_removed": forgotten}


def _send_mail_after_commit(_app: Flask) -> None:
    send_mail_after_commit()


def init_app(app: Flask) -> None:
    global _app
    _app = app
    from . import mail

    register_function("shuangshi.send_mail", mail.send_queued)
    notifications.mail_queued.connect(_send_mail_after_commit, sender=app, weak=False)
    register_kind("task_done", _l("Ready: %(what)s. Open it to download the result."))
    register_kind("task_failed", _l("Could not finish: %(what)s. Open it to see why."))

    from . import scheduler

    scheduler.register(
        "core.tasks",
        housekeeping,
        "resend lost tasks and waiting mail, remove downloads older than 7 days",
        minute="*/5",
    )
    scheduler.register(
        "core.mail_digest", mail.daily_digest, "the daily e-mail digest", hour=17, minute=30
    )

    @app.cli.command("worker")
    @click.option("--threads", default=2, show_default=True, help="Tasks run at once.")
    def worker(threads: int) -> None:  # pragma: no cover - a long-running service
        """Run background tasks until stopped (any number of these, on any machine)."""
        huey = queue()
        click.echo(f"worker: {threads} threads, queue in {queue_location()}; Ctrl+C stops")
        _keep_beating(app)
        huey.create_consumer(
            workers=threads, worker_type="thread", periodic=False, max_delay=1.0
        ).run()

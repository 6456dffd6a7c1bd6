"""Health without a session or sign-in: /healthz for the load balancer (this node answers and
reaches the database), /status for monitoring (database, migrations at head, the scheduler's
heartbeat, task and mail backlogs, each with its verdict)."""

from __future__ import annotations

import hmac
import socket
from datetime import timedelta

from flask import Blueprint, current_app, jsonify, request
from flask_login import current_user
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .extensions import db
from .models import Heartbeat, Notification, Role, Task, TaskStatus
from .timeutil import utcnow

bp = Blueprint("health", __name__)
STALE_AFTER = timedelta(minutes=5)  # the scheduler beats every minute
WORKER_PREFIX = "worker:"  # a worker process's heartbeat: worker:<host>:<pid>, every 30 s
WORKER_STALE_AFTER = timedelta(minutes=2)


def workers_seen() -> list[Heartbeat]:
    """The worker processes heard from lately."""
    return list(
        db.session.scalars(
            select(Heartbeat).where(
                Heartbeat.name.like(WORKER_PREFIX + "%"),
                Heartbeat.at >= utcnow() - WORKER_STALE_AFTER,
            )
        )
    )


def last_worker() -> Heartbeat | None:
    return db.session.scalars(
        select(Heartbeat)
        .where(Heartbeat.name.like(WORKER_PREFIX + "%"))
        .order_by(Heartbeat.at.desc())
        .limit(1)
    ).first()


def beat(name: str = "scheduler") -> None:
    """Record that `name` is alive (the scheduler calls this every minute)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    statement = insert(Heartbeat).values(name=name, at=now, host=socket.gethostname()[:120])
    statement = statement.on_conflict_do_update(
        index_elements=["name"], set_={"at": now, "host": socket.gethostname()[:120]}
    )
    with db.engine.begin() as conn:
        conn.execute(statement)


@bp.get("/healthz")
def healthz():  # type: ignore[no-untyped-def]
    """Liveness, for the load balancer: 200 while this process answers and reaches the database.
    The one scheduler being down is not this node's fault: /status reports it."""
    ok = _database_ok()
    body = {"status": "ok" if ok else "unhealthy", "database": "ok" if ok else "unreachable"}
    if ok:  # said, not judged: a missing worker is /status's warning, not this node's failure
        body["workers_seen"] = len(workers_seen())
    return jsonify(body), (200 if ok else 503)


@bp.get("/status")
def status():  # type: ignore[no-untyped-def]
    """For monitoring: each part with its own verdict (ok / warning / failing) and the overall
    one; 503 when anything fails, 200 with warnings (a stale scheduler, a backlog)."""
    checks: dict[str, dict] = {"database": {"verdict": "ok" if _database_ok() else "failing"}}
    if checks["database"]["verdict"] == "ok":
        checks["migrations"] = _migrations()
        checks["scheduler"] = _scheduler()
        checks["workers"] = _workers()
        checks["tasks"] = _backlog(
            select(func.count(Task.id)).where(
                Task.status == TaskStatus.QUEUED, Task.created_at < utcnow() - STALE_AFTER
            )
        )
        checks["mail"] = _backlog(
            select(func.count(Notification.id)).where(Notification.mail_status == "queued")
        )
    verdicts = {c["verdict"] for c in checks.values()}
    overall = "failing" if "failing" in verdicts else "warning" if "warning" in verdicts else "ok"
    code = 503 if overall == "failing" else 200
    if not _may_see_details():
        # Hosts, the migration and the queues are the operator's: everyone else reads a word.
        return jsonify({"status": "ok" if overall == "ok" else "degraded"}), code
    return jsonify({"status": overall, "checks": checks}), code


def _may_see_details() -> bool:
    """The monitor (its token or address, as for /metrics) or a signed-in administrator."""
    if monitor_allowed():
        return True
    return bool(current_user.is_authenticated and current_user.role == Role.ADMIN)


def _database_ok() -> bool:
    try:
        db.session.execute(text("SELECT 1"))
        return True
    except Exception:  # the database is down: that is the answer, not an error
        db.session.rollback()
        return False


def _scheduler() -> dict:
    last = db.session.get(Heartbeat, "scheduler")
    if last is None:
        return {"verdict": "warning", "detail": "no heartbeat yet: is `flask scheduler` running?"}
    fresh = utcnow() - last.at < STALE_AFTER
    return {
        "verdict": "ok" if fresh else "warning",
        "last_heartbeat": last.at.isoformat() + "Z",
        "host": last.host,
    }


def _workers() -> dict:
    """Workers heard from in the last two minutes; none while tasks wait is a warning."""

    seen = workers_seen()
    waiting = int(db.session.scalar(
        select(func.count(Task.id)).where(Task.status == TaskStatus.QUEUED)) or 0)  # fmt: skip
    immediate = current_app.config.get("TASKS_IMMEDIATE")
    verdict = "ok" if seen or immediate or not waiting else "warning"
    last = last_worker()
    return {
        "verdict": verdict, "seen": len(seen), "hosts": sorted({w.host for w in seen}),
        "queued_tasks": waiting, "last_seen": last.at.isoformat() + "Z" if last else None,
        **({"detail": "tasks wait and no worker was seen: is `flask worker` running?"}
           if verdict == "warning" else {}),
    }  # fmt: skip


def _migrations() -> dict:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    directory = current_app.extensions["migrate"].directory
    head = ScriptDirectory(directory).get_current_head()
    current = MigrationContext.configure(db.session.connection()).get_current_revision()
    verdict = "ok" if current == head else "failing"
    return {"verdict": verdict, "current": current, "head": head}


def _backlog(count_query) -> dict:  # type: ignore[no-untyped-def]
    waiting = int(db.session.scalar(count_query) or 0)
    return {"verdict": "warning" if waiting > 100 else "ok", "waiting": waiting}


def monitor_address() -> str | None:
    """The address asking, as far as it can be trusted: the machine that opened the connection
    (never a header it sent: ProxyFix puts X-Forwarded-For's word in `remote_addr`); when that
    machine is a proxy the operator named (`METRICS_PROXY`), the client it forwards for. A
    request forwarded by a proxy nobody named is nobody's: behind a proxy on the same host,
    every visitor would otherwise come from 127.0.0.1."""
    peer = request.environ.get("werkzeug.proxy_fix.orig", {}).get("REMOTE_ADDR")
    peer = peer or request.environ.get("REMOTE_ADDR")
    forwarded = request.headers.get("X-Forwarded-For", "")
    if peer in current_app.config["METRICS_PROXY"]:
        return forwarded.rsplit(",", 1)[-1].strip() or None
    return None if forwarded else peer


def monitor_allowed() -> bool:
    """The monitor's own: `METRICS_TOKEN` as a Bearer token, or an address in `METRICS_ALLOW`."""
    token = current_app.config.get("METRICS_TOKEN") or ""
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given, f"Bearer {token}"):
        return True
    return monitor_address() in current_app.config["METRICS_ALLOW"]

"""/healthz for the load balancer and monitoring: 200 when the database answers and the scheduler
beat within the last few minutes, 503 otherwise; no session, no sign-in."""

from __future__ import annotations

import socket
from datetime import timedelta

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .extensions import db
from .models import Heartbeat
from .timeutil import utcnow

bp = Blueprint("health", __name__)
STALE_AFTER = timedelta(minutes=5)  # the scheduler beats every minute


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
    body: dict = {"database": "unreachable", "scheduler": None}
    healthy = False
    try:
        db.session.execute(text("SELECT 1"))
        body["database"] = "ok"
        last = db.session.get(Heartbeat, "scheduler")
        if last is not None:
            body["scheduler"] = {"last_heartbeat": last.at.isoformat() + "Z", "host": last.host}
            healthy = utcnow() - last.at < STALE_AFTER
    except Exception:  # the database is down: that is the answer, not an error
        db.session.rollback()
    body["status"] = "ok" if healthy else "unhealthy"
    return jsonify(body), (200 if healthy else 503)

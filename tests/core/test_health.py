"""/healthz answers without a session: 200 with the database reachable and a recent scheduler
heartbeat, 503 otherwise."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.health import beat
from core.models import Heartbeat
from core.timeutil import utcnow


def test_health_needs_the_database_and_a_recent_scheduler_heartbeat(client):
    silent = client.get("/healthz")
    assert silent.status_code == 503 and silent.json["database"] == "ok"
    assert silent.json["scheduler"] is None
    beat()
    alive = client.get("/healthz")
    assert alive.status_code == 200 and alive.json["status"] == "ok"
    assert alive.json["scheduler"]["last_heartbeat"]
    db.session.get(Heartbeat, "scheduler").at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    assert client.get("/healthz").status_code == 503  # the scheduler stopped beating

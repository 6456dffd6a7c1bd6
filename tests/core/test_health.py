"""Health that matches the roles: /healthz (liveness, for the load balancer) is 200 while the
node reaches its database, whatever the one scheduler does; /status (for monitoring) gives each
part its own verdict — the database, migrations at head, the scheduler's heartbeat, backlogs."""

from __future__ import annotations

from datetime import timedelta

from core.extensions import db
from core.health import beat
from core.models import Heartbeat
from core.timeutil import utcnow


def test_liveness_does_not_hang_on_the_scheduler(client):
    alive = client.get("/healthz")
    assert alive.status_code == 200
    assert alive.json == {"status": "ok", "database": "ok", "workers_seen": 0}


def test_the_status_reports_each_part(app, client):
    from flask_migrate import stamp

    unmigrated = client.get("/status")  # the suite's tables are made without Alembic
    assert unmigrated.status_code == 503 and unmigrated.json["status"] == "failing"
    assert unmigrated.json["checks"]["migrations"]["verdict"] == "failing"
    stamp()  # as `flask db upgrade` leaves it
    db.session.commit()
    silent = client.get("/status")
    assert silent.status_code == 200 and silent.json["status"] == "warning"
    checks = silent.json["checks"]
    assert checks["database"]["verdict"] == "ok"
    assert checks["migrations"]["verdict"] == "ok" and checks["migrations"]["head"]
    assert checks["scheduler"]["verdict"] == "warning"  # no heartbeat yet
    beat()
    assert client.get("/status").json["status"] == "ok"
    db.session.get(Heartbeat, "scheduler").at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    stale = client.get("/status")
    assert stale.status_code == 200 and stale.json["checks"]["scheduler"]["verdict"] == "warning"
    assert client.get("/healthz").status_code == 200  # every web node stays in the pool

"""What an operator watches: structured logs from every process and Prometheus metrics.

Logs: one JSON line per event (python-json-logger) in production — every request with its
request id, user, route, status and duration, every job's result, every task's failure — and
readable text in development (`LOG_FORMAT`). The web, the worker and the scheduler configure it
the same way, since each makes the app.

Metrics: `/metrics` in the Prometheus text format (prometheus_client): requests and their
latency per endpoint, counted in this process (`PROMETHEUS_MULTIPROC_DIR` makes gunicorn's
workers one set), and what the database says at the scrape — tasks by state, mails by state,
each scheduled job's last success, workers seen. Open to `METRICS_TOKEN` (Bearer) or to the
addresses in `METRICS_ALLOW` (127.0.0.1 by default), as the connection's own address or, through
a proxy named in `METRICS_PROXY`, the address it forwards for: never to the public.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from typing import Any

from flask import Blueprint, Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from pythonjsonlogger.json import JsonFormatter
from sqlalchemy import func, inspect, select

from .extensions import db
from .health import WORKER_STALE_AFTER, monitor_allowed

log = logging.getLogger("shuangshi.request")
bp = Blueprint("metrics", __name__)

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "shuangshi_requests", "HTTP requests answered", ["endpoint", "method", "status"],
    registry=REGISTRY,
)  # fmt: skip
LATENCY = Histogram(
    "shuangshi_request_seconds", "Time to answer a request", ["endpoint"], registry=REGISTRY,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)  # fmt: skip


def configure_logging(app: Flask) -> None:
    """The root logger of this process: JSON lines or text, at LOG_LEVEL."""
    root = logging.getLogger()
    if getattr(root, "_shuangshi", None) == app.config["LOG_FORMAT"]:
        return  # configured already (tests make many apps in one process)
    handler = logging.StreamHandler()
    if app.config["LOG_FORMAT"] == "json":
        handler.setFormatter(
            JsonFormatter(
                "%(asctime)s %(levelname)s %(name)s %(message)s",
                rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
            )
        )
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    for old in [h for h in root.handlers if getattr(h, "_shuangshi", False)]:
        root.removeHandler(old)
    handler._shuangshi = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(app.config["LOG_LEVEL"])
    root._shuangshi = app.config["LOG_FORMAT"]  # type: ignore[attr-defined]


def _start() -> None:
    g.request_started = time.perf_counter()
    # A request id from the proxy (X-Request-ID) or our own: it joins a request's log lines.
    incoming = request.headers.get("X-Request-ID", "")[:64]
    g.request_id = incoming if incoming.replace("-", "").isalnum() else uuid.uuid4().hex


def _user_id() -> int | None:
    """Who made the request, if anyone signed in, read from the identity Flask-Login loaded:
    the request's commit has expired the user, and `current_user.id` would load them again."""
    state = inspect(g.get("_login_user"), raiseerr=False)
    return state.identity[0] if state is not None and state.identity else None


def _finish(response: Response) -> Response:
    started = g.pop("request_started", None)
    if started is None:
        return response
    seconds = time.perf_counter() - started
    endpoint = request.endpoint or "unmatched"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    LATENCY.labels(endpoint).observe(seconds)
    response.headers["X-Request-ID"] = g.request_id
    if endpoint != "static" and log.isEnabledFor(logging.INFO):
        log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"request_id": g.request_id, "user_id": _user_id(), "route": endpoint,
                   "method": request.method, "status": response.status_code,
                   "duration_ms": round(seconds * 1000, 1)},
        )  # fmt: skip
    return response


class _DatabaseFigures:
    """What the database says at the scrape (every process sees the same)."""

    def collect(self) -> Any:
        from .models import Heartbeat, Notification, Task
        from .timeutil import utcnow

        tasks = GaugeMetricFamily("shuangshi_tasks", "Background tasks by state", labels=["state"])
        for state, n in db.session.execute(
            select(Task.status, func.count(Task.id)).group_by(Task.status)
        ):
            tasks.add_metric([str(state)], n)
        yield tasks
        mails = GaugeMetricFamily(
            "shuangshi_mails",
            "Notification mails by state (sent, failed, queued)",
            labels=["state"],
        )
        for state, n in db.session.execute(
            select(Notification.mail_status, func.count(Notification.id))
            .where(Notification.mail_status != "")
            .group_by(Notification.mail_status)
        ):
            mails.add_metric([state], n)
        yield mails
        jobs = GaugeMetricFamily(
            "shuangshi_job_last_success_timestamp_seconds",
            "When each scheduled job last finished (Unix time)", labels=["job"],
        )  # fmt: skip
        workers = 0
        now = utcnow()
        for beat in db.session.scalars(select(Heartbeat)):
            if beat.name.startswith("job:"):
                jobs.add_metric([beat.name[4:]], beat.at.timestamp())
            elif beat.name.startswith("worker:") and now - beat.at < WORKER_STALE_AFTER:
                workers += 1
        yield jobs
        seen = GaugeMetricFamily("shuangshi_workers_seen", "Workers heard from in 2 minutes")
        seen.add_metric([], workers)
        yield seen


@bp.get("/metrics")
def metrics():  # type: ignore[no-untyped-def]
    if not monitor_allowed():
        return Response("forbidden\n", status=403, mimetype="text/plain")
    counted = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):  # gunicorn's workers, counted as one
        from prometheus_client import multiprocess

        counted = CollectorRegistry()
        multiprocess.MultiProcessCollector(counted)
    figures = CollectorRegistry()
    figures.register(_DatabaseFigures())
    body = generate_latest(counted) + generate_latest(figures)
    return Response(body, mimetype=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    configure_logging(app)
    app.before_request(_start)
    app.after_request(_finish)
    app.register_blueprint(bp)

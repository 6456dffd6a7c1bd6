"""What an operator watches (#25): a JSON line per request with its id, user, route, status and
duration; /metrics in the Prometheus format, open to the token or the allowed addresses only,
with requests per endpoint, tasks and mails by state, jobs' last success and workers seen."""

from __future__ import annotations

import json
import logging

from core import observability, scheduler
from core.health import beat
from core.models import Role


def test_each_request_is_one_structured_log_line(app, login_as, caplog, monkeypatch):
    client = login_as(role=Role.SCHOOL_HR)
    with caplog.at_level(logging.INFO, logger="shuangshi.request"):
        answer = client.get("/teachers", headers={"X-Request-ID": "abc123"})
    record = next(r for r in caplog.records if r.name == "shuangshi.request")
    assert answer.headers["X-Request-ID"] == "abc123"
    assert (record.request_id, record.route, record.status) == ("abc123", "teachers.index", 200)
    assert record.user_id is not None and record.duration_ms >= 0
    # In production the line is JSON, its fields named for a log system.
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    monkeypatch.setattr(logging.getLogger(), "_shuangshi", None, raising=False)
    observability.configure_logging(app)
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "_shuangshi", False))
    line = json.loads(handler.format(record))
    assert line["level"] == "INFO" and line["route"] == "teachers.index"
    assert line["request_id"] == "abc123" and "time" in line
    monkeypatch.setitem(app.config, "LOG_FORMAT", "text")
    logging.getLogger()._shuangshi = None  # type: ignore[attr-defined]
    observability.configure_logging(app)


def test_metrics_for_the_operator_and_nobody_else(app, client, monkeypatch):
    client.get("/healthz")
    scheduler.run_job("core.statistics")
    beat("worker:host-a:7")
    text = client.get("/metrics").get_data(as_text=True)  # from 127.0.0.1
    assert 'shuangshi_requests_total{endpoint="health.healthz",method="GET",status="200"}' in text
    assert 'shuangshi_request_seconds_bucket{endpoint="health.healthz"' in text
    assert 'shuangshi_job_last_success_timestamp_seconds{job="core.statistics"}' in text
    assert "shuangshi_workers_seen 1.0" in text
    assert "# TYPE shuangshi_tasks gauge" in text
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 403
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-token")
    wrong = client.get("/metrics", environ_base=outside, headers={"Authorization": "Bearer no"})
    assert wrong.status_code == 403
    right = client.get(
        "/metrics", environ_base=outside, headers={"Authorization": "Bearer s3cret-token"}
    )
    assert right.status_code == 200 and "shuangshi_requests_total" in right.get_data(as_text=True)


def test_over_plain_http_with_https_only_cookies_the_sign_in_page_says_why(
    app, client, monkeypatch
):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    page = client.get("/login").get_data(as_text=True)
    assert 'id="plain-http"' in page and "SESSION_COOKIE_SECURE=0" in page and "https://" in page
    secure = client.get("/login", base_url="https://localhost").get_data(as_text=True)
    assert 'id="plain-http"' not in secure

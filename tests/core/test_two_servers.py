"""Several machines share one installation: two gunicorn servers and two workers on the same
database (and, in CI, the same Redis). A task started through one server is run once, by one
worker, and its file downloads through the other; a rate limit reached on one server holds on
the other."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from core import accounts
from core.extensions import db
from core.models import Notification, Role, Task, TaskStatus
from recognition.models import Kind
from tests.dashboard.test_indicators import recognise

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(url: str, method: str = "GET", token: str | None = None, body: dict | None = None):  # type: ignore[no-untyped-def]
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def wait_until_up(url: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for p in processes:
            if p.poll() is not None:
                raise AssertionError(f"{p.args} ended early: {p.stdout.read().decode()[-2000:]}")  # type: ignore[union-attr]
        try:
            if call(url)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")


@pytest.fixture
def installation(app, tmp_path, backend):  # type: ignore[no-untyped-def]
    """Two web servers and two workers, configured as production is, sharing this test's
    database, upload folder and queue (Redis when TEST_REDIS_URL is set with PostgreSQL)."""
    env = {
        **os.environ,
        "SHUANGSHI_ENV": "production",
        "SECRET_KEY": secrets.token_hex(16),
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "SHUANGSHI_INSTANCE": str(tmp_path / "instance"),
        "UPLOAD_FOLDER": str(tmp_path / "shared-files"),
        "TASK_QUEUE_FILE": str(tmp_path / "queue.db"),
        "TASK_QUEUE_NAME": f"test-{secrets.token_hex(4)}",
        "RATELIMIT_ENABLED": "1",
    }
    env.pop("REDIS_URL", None)
    if backend == "postgresql" and os.environ.get("TEST_REDIS_URL"):
        env["REDIS_URL"] = os.environ["TEST_REDIS_URL"]
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [str(GUNICORN), "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        for port in ports
    ] + [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--threads", "1"],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )
        for _ in range(2)
    ]  # fmt: skip
    try:
        servers = [f"http://127.0.0.1:{port}" for port in ports]
        for server in servers:
            wait_until_up(server + "/login", processes)
        yield servers
    finally:
        for p in processes:
            p.send_signal(signal.SIGINT if p.args[1] == "-m" else signal.SIGTERM)
        for p in processes:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            p.stdout.close()  # type: ignore[union-attr]


def test_a_task_started_on_one_server_runs_once_and_downloads_from_the_other(
    installation, make_user, make_teacher
):
    first, second = installation
    recognise(make_teacher(), date(2025, 10, 1), kind=Kind.D_CLASS)  # a certificate to print
    bureau = make_user(Role.BUREAU)
    _token, token = accounts.create_token(bureau, "two servers")
    db.session.commit()

    status, _headers, body = call(
        f"{first}/api/v1/recognitions/certificates", "POST", token, {"fmt": "zip"}
    )
    assert status == 202, body
    task_id = json.loads(body)["id"]

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status, _headers, body = call(f"{second}/api/v1/tasks/{task_id}", token=token)
        state = json.loads(body)
        if state["status"] in ("done", "failed"):
            break
        time.sleep(0.3)
    assert state["status"] == "done", state
    status, headers, data = call(second + state["download_url"], token=token)
    assert status == 200 and data[:2] == b"PK"
    assert "attachment" in headers["Content-Disposition"]

    db.session.expire_all()
    task = db.session.get(Task, task_id)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 1)  # one worker ran it, once
    told = select(func.count(Notification.id)).where(Notification.user_id == bureau.id)
    assert db.session.scalar(told) == 1


def test_a_rate_limit_reached_on_one_server_holds_on_the_other(installation):
    first, second = installation
    username = f"nobody-{secrets.token_hex(3)}"
    form = f"username={username}&password=wrong".encode()

    def sign_in(server: str) -> int:
        request = urllib.request.Request(f"{server}/login", data=form, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as err:
            return err.code

    # Ten tries of one account are allowed in ten minutes, wherever they land.
    answers = [sign_in(first if n % 2 else second) for n in range(10)]
    assert 429 not in answers
    assert sign_in(first) == 429
    assert sign_in(second) == 429

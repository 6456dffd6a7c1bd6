"""A queue for every deployment (#25): a SQLite file on one machine, Redis when configured, and
with PostgreSQL but no Redis the queue lives in PostgreSQL, shared by every machine on it. A task
waiting with no worker says why, and /status reports the workers seen."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core import tasks
from core.extensions import db
from core.health import beat
from core.models import Role, Task, TaskStatus


@tasks.register("tests.quick", "a quick task (test)")
def _quick(_task: Task, _progress: tasks.Progress) -> dict:
    return {}


@pytest.fixture
def queued(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    tasks.reset_queue()
    tasks.queue().flush()  # what earlier tests left in this process's queue
    yield
    huey = tasks.queue()
    huey.flush()
    tasks.reset_queue()


def test_with_postgresql_and_no_redis_the_queue_is_in_the_database(
    app, backend, queued, make_user, login_as
):
    user = make_user(Role.SCHOOL_HR)
    task_id = tasks.start("tests.quick", user, {}).id
    db.session.commit()
    huey = tasks.queue()
    expected = "PostgreSQL" if backend == "postgresql" else app.config["TASK_QUEUE_FILE"]
    assert tasks.queue_location().startswith(expected)
    assert huey.pending_count() == 1
    if backend == "postgresql":
        # Another machine on the same database sees the same queue: nothing more to run.
        tasks.reset_queue()
        other = tasks.queue()
        assert other is not huey and other.pending_count() == 1
        huey = other
    # No worker has been seen: the task says why it waits, and /status warns.
    page = login_as(user).get(f"/tasks/{task_id}").get_data(as_text=True)
    assert 'id="no-worker"' in page and "没有后台进程" in page
    status = app.test_client().get("/status").json
    assert status["checks"]["workers"]["verdict"] == "warning"
    assert app.test_client().get("/healthz").json["workers_seen"] == 0
    # A worker takes it from the queue and runs it.
    beat("worker:test-host:1")
    huey.execute(huey.dequeue())
    db.session.expire_all()
    assert db.session.get(Task, task_id).status == TaskStatus.DONE
    status = app.test_client().get("/status").json
    assert status["checks"]["workers"] == {
        "verdict": "ok", "seen": 1, "hosts": [status["checks"]["workers"]["hosts"][0]],
        "queued_tasks": 0, "last_seen": status["checks"]["workers"]["last_seen"],
    }  # fmt: skip
    assert 'id="no-worker"' not in login_as(user).get(f"/tasks/{task_id}").get_data(as_text=True)
    assert db.session.scalars(select(Task)).one().status == TaskStatus.DONE

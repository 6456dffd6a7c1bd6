"""Scheduled jobs. Packages register small functions (in their jobs.py); one process runs them:

    flask --app wsgi scheduler            # the scheduler, as one service beside the web workers
    flask --app wsgi jobs run NAME        # one job now (cron, or by hand); safe to repeat

Never started inside web workers: with several gunicorn workers every job would run once each.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import text, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import refresh_statistics, unit_of_work
from .extensions import db
from .models import JobLock
from .timeutil import local_tz, utcnow


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    cron: dict[str, Any]  # APScheduler cron fields, e.g. {"hour": 2}
    description: str = ""


log = logging.getLogger(__name__)
JOBS: dict[str, Job] = {}


def register(name: str, func: Callable[[], Any], description: str = "", **cron: Any) -> None:
    JOBS[name] = Job(name, func, cron or {"hour": 2}, description)


LOCK_MINUTES = 30  # a run that takes longer (or whose process died) frees the job then


def run_job(name: str) -> Any:
    """Run one job in the current app context as one unit of work, unless it is running
    elsewhere already (then it is skipped: the other run does the work)."""
    if db.engine.dialect.name == "postgresql":
        with unit_of_work():
            key = f"shuangshi-job:{name}"
            # Held until this transaction ends; a second run finds it taken and stops.
            if not db.session.scalar(
                text("SELECT pg_try_advisory_xact_lock(hashtext(:k))"), {"k": key}
            ):
                return {"skipped": "running elsewhere"}
            result = JOBS[name].func()
        _succeeded(name)
        return result
    holder = secrets.token_hex(8)
    if not _take_row_lock(name, holder):
        return {"skipped": "running elsewhere"}
    try:
        with unit_of_work():
            result = JOBS[name].func()
        _succeeded(name)
        return result
    finally:
        with db.engine.begin() as conn:
            conn.execute(
                update(JobLock)
                .where(JobLock.name == name, JobLock.holder == holder)
                .values(locked_until=utcnow())
            )


def _succeeded(name: str) -> None:
    """When the job last finished (for /metrics: shuangshi_job_last_success_timestamp_seconds)."""
    from .health import beat

    beat(f"job:{name}"[:40])


def _take_row_lock(name: str, holder: str) -> bool:
    now = utcnow()
    with db.engine.begin() as conn:
        conn.execute(
            sqlite_insert(JobLock)
            .values(name=name, holder="", locked_until=now - timedelta(seconds=1))
            .on_conflict_do_nothing()
        )
        taken = conn.execute(
            update(JobLock)
            .where(JobLock.name == name, JobLock.locked_until < now)
            .values(holder=holder, locked_until=now + timedelta(minutes=LOCK_MINUTES))
        )
        return taken.rowcount == 1


jobs_cli = AppGroup("jobs", help="Scheduled jobs.")


@jobs_cli.command("list")
def list_jobs() -> None:
    for job in JOBS.values():
        when = " ".join(f"{k}={v}" for k, v in job.cron.items())
        click.echo(f"{job.name:<32} {when:<24} {job.description}")


@jobs_cli.command("run")
@click.argument("name")
def run(name: str) -> None:
    if name not in JOBS:
        raise click.BadParameter("unknown job; try `jobs list`", param_hint="NAME")
    result = run_job(name)
    click.echo(f"{name}: {result}")


def init_app(app: Flask) -> None:
    app.cli.add_command(jobs_cli)
    register(
        "core.statistics", refresh_statistics, "refresh the query planner's statistics", hour=3
    )

    @app.cli.command("scheduler")
    def scheduler() -> None:  # pragma: no cover - a long-running service
        """Run the scheduled jobs until stopped (one such process per installation)."""
        from apscheduler.schedulers.blocking import BlockingScheduler

        sched = BlockingScheduler(timezone=app.config["TIMEZONE"])
        for job in JOBS.values():

            def call(name: str = job.name) -> None:
                with app.app_context():
                    started = time.perf_counter()
                    try:
                        result = run_job(name)
                    except Exception:
                        log.exception("job %s failed", name, extra={"job": name})
                        return
                    log.info("job %s: %s", name, result, extra={
                        "job": name, "result": str(result)[:2000],
                        "duration_ms": round((time.perf_counter() - started) * 1000)})  # fmt: skip

            sched.add_job(call, "cron", id=job.name, **job.cron)

        def heartbeat() -> None:
            with app.app_context():
                from .health import beat

                beat()

        sched.add_job(
            heartbeat, "interval", minutes=1, id="heartbeat", next_run_time=datetime.now(local_tz())
        )
        click.echo(f"scheduler: {len(JOBS)} jobs; Ctrl+C stops")
        sched.start()

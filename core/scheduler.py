"""Scheduled jobs. Packages register small functions (in their jobs.py); one process runs them:

    flask --app wsgi scheduler            # the scheduler, as one service beside the web workers
    flask --app wsgi jobs run NAME        # one job now (cron, or by hand); safe to repeat

Never started inside web workers: with several gunicorn workers every job would run once each.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from flask import Flask
from flask.cli import AppGroup

from .db import unit_of_work


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], Any]
    cron: dict[str, Any]  # APScheduler cron fields, e.g. {"hour": 2}
    description: str = ""


JOBS: dict[str, Job] = {}


def register(name: str, func: Callable[[], Any], description: str = "", **cron: Any) -> None:
    JOBS[name] = Job(name, func, cron or {"hour": 2}, description)


def run_job(name: str) -> Any:
    """Run one job in the current app context as one unit of work."""
    with unit_of_work():
        return JOBS[name].func()


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

    @app.cli.command("scheduler")
    def scheduler() -> None:  # pragma: no cover - a long-running service
        """Run the scheduled jobs until stopped (one such process per installation)."""
        from apscheduler.schedulers.blocking import BlockingScheduler

        sched = BlockingScheduler(timezone=app.config["TIMEZONE"])
        for job in JOBS.values():

            def call(name: str = job.name) -> None:
                with app.app_context():
                    app.logger.info("job %s: %s", name, run_job(name))

            sched.add_job(call, "cron", id=job.name, **job.cron)
        click.echo(f"scheduler: {len(JOBS)} jobs; Ctrl+C stops")
        sched.start()

"""The dashboard (数据看板): the plan's targets in front of the bureau and the schools — indicators
against targets per city, county and school, the lists behind every number, trends from nightly
snapshots, PDF reports and Excel. It reads every other package; nothing imports it."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l

from core import nav, rules, scheduler, tasks
from core.db import unit_of_work
from core.models import Role

from . import assessment
from .indicators import describe_plan
from .periods import DEFAULT_PLAN

snapshots_cli = AppGroup("snapshots", help="Indicator snapshots for the trend charts.")


@snapshots_cli.command("take")
@click.option("--on", "on", type=click.DateTime(["%Y-%m-%d"]), help="Day (default today).")
def take_command(on) -> None:  # type: ignore[no-untyped-def]
    """Store today's (or one day's) indicators of the city, each county and school."""
    from . import snapshots

    with unit_of_work():
        n = snapshots.take(on.date() if on else None)
    click.echo(f"snapshots: {n} values stored")


@snapshots_cli.command("backfill")
@click.option("--from", "first", type=click.DateTime(["%Y-%m-%d"]), required=True)
def backfill_command(first) -> None:  # type: ignore[no-untyped-def]
    """Rebuild month-end values from the records since a date (a new installation's history)."""
    from . import snapshots

    with unit_of_work():
        n = snapshots.backfill(first.date())
    click.echo(f"snapshots: {n} values stored")


def init_app(app: Flask) -> None:
    from core import demo as core_demo

    from . import demo, exports, home, jobs, models, report  # noqa: F401  (the tables)
    from .api import api
    from .views import bp

    tasks.register(report.REPORT, _l("Report on the plan (PDF)"))(report.run_report)
    tasks.register(exports.LIST_EXPORT, _l("Dashboard list (Excel)"))(exports.run_list_export)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.cli.add_command(snapshots_cli)
    core_demo.register(demo.build)
    assessment.init_app(app)  # its demo publishes a year of the history the dashboard's made
    nav.register_home_panel(home.home_panel)
    rules.define(
        "plan_targets",
        DEFAULT_PLAN,
        "json",
        _l("The plan's targets (a version per plan: name, first and last day, targets)"),
        level="city",
        describe=describe_plan,
    )
    nav.register(
        nav.NavItem(
            "dashboard.index",
            _l("Dashboard"),
            (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR),
            _l("The plan's targets: where each county and school stands, and who is behind."),
            order=5,
        )
    )
    scheduler.register(
        "dashboard.snapshots", jobs.nightly_snapshot, "store today's indicators", hour=1
    )
    # Just after midnight (a new day is a new period end) and every half hour after.
    scheduler.register(
        "dashboard.figures",
        jobs.keep_figures,
        "count every school's indicators for the boards",
        minute="1,31",
    )

"""Load the city at full size and time what users do with it.

    make bench                       # SQLite in a temporary folder
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench make bench
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench \
        make bench BENCH_ARGS="--scale province"

Prints how long the city-scale demo data takes to load; every aggregate against its hand-written
SQL (ratio and agreement); for each page or API call the median time and the number of SQL
statements it issues (which must not grow with the data); the public results page and the
exports; the dashboard; the background work (certificates a worker renders per second, a
5,000-row roster import run as a task); the city's history imported (120,000 placements, rows
per second); and a short load run against gunicorn.

`--scale province` (PostgreSQL) grows the city ×10 after loading it. `--reuse` keeps a database
already loaded by an earlier run (handy while iterating); `--only` picks sections.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine import Engine

from bench import record, summary
from core import accounts, create_app, demo
from core.db import unit_of_work
from core.extensions import db
from teachers.models import Teacher


def timed(engine: Engine, fn: Callable[[], object], runs: int = 5) -> tuple[float, int, int]:
    """Median milliseconds over `runs`, SQL statements of one run, and its HTTP status."""
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    status = fn().status_code  # type: ignore[attr-defined]
    event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statements, status


class _Done:
    """Wraps a non-HTTP result so `timed` can report it like a page."""

    status_code = "-"

    def __init__(self, _result: object) -> None:
        pass


SECTIONS = (
    "aggregates", "pages", "public", "exports", "dashboard", "background", "imports", "load",
)  # fmt: skip


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--scale", choices=("city", "province", "nation"), default="city")
    parser.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    parser.add_argument("--folder", help="where the SQLite file and uploads go")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    only = set(args.only.split(","))
    url = os.environ.get("BENCH_DATABASE_URL")
    folder = args.folder or tempfile.mkdtemp(prefix="shuangshi-bench-")
    os.makedirs(folder, exist_ok=True)
    url = url or f"sqlite:///{folder}/bench.db"
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "UPLOAD_FOLDER": folder,
            "DASHBOARD_CACHE_SECONDS": 3600,
            # With Redis, processes share the dashboard's figures (as web workers in production).
            "REDIS_URL": os.environ.get("BENCH_REDIS_URL") or None,
        },
    )
    with app.app_context():
        loaded = (
            args.reuse
            and inspect(db.engine).has_table("teachers")
            and db.session.scalar(select(func.count()).select_from(Teacher))
        )
        if not loaded:
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            upgrade()
            start = time.perf_counter()
            with unit_of_work():
                demo.build(scale="city", seed=1, echo=lambda line: print("  " + line))
            seconds = time.perf_counter() - start
            print(f"city-scale demo data loaded in {seconds:.1f} s ({url.split(':')[0]})")
            if args.scale != "city":
                from core.demo_copies import SCALES, multiply

                multiply(SCALES[args.scale], echo=lambda line: print("  " + line))
        else:
            print(f"reusing the loaded database: {loaded:,} teachers")
        with unit_of_work():
            _t, plain = accounts.create_token(accounts.find_user("bureau"), "bench")
        engine = db.engine

    def client_for(username: str):  # type: ignore[no-untyped-def]
        c = app.test_client()
        c.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD})
        return c

    # Requests run outside any app context of ours, each in its own, as in production.
    hr_client, city = client_for("hr"), client_for("bureau")
    api_headers = {"Authorization": f"Bearer {plain}"}
    cases = [
        ("HR: roster, first page", lambda: hr_client.get("/teachers")),
        ("HR: roster, search by name", lambda: hr_client.get("/teachers?q=王")),
        ("HR: export the school's roster", lambda: hr_client.get("/teachers/export.xlsx")),
        ("city bureau: the whole roster, page 1", lambda: city.get("/teachers")),
        ("city bureau: roster, page 400", lambda: city.get("/teachers?page=400")),
        (
            "city bureau: filter professional + title",
            lambda: city.get("/teachers?professional=1&title=senior"),
        ),
        (
            "API: teachers, 200 per page",
            lambda: city.get("/api/v1/teachers?per_page=200", headers=api_headers),
        ),
        ("teacher profile (with the practice ledger)", lambda: city.get("/teachers/1")),
        ("practice ledger page", lambda: city.get("/teachers/1/practice")),
        ("HR: review queue (submitted)", lambda: hr_client.get("/placements")),
        ("HR: all placements of the school", lambda: hr_client.get("/placements?status=all")),
        ("HR: title-review list", lambda: hr_client.get("/title-review")),
        (
            "city bureau: all placements, page 100",
            lambda: city.get("/placements?status=all&page=100"),
        ),
        (
            "API: practice ledger",
            lambda: city.get("/api/v1/teachers/1/practice", headers=api_headers),
        ),
        ("city bureau: part-time places, first page", lambda: city.get("/appointments")),
        ("HR: part-time teachers page", lambda: hr_client.get("/appointments")),
        (
            "API: a school's part-time capacity",
            lambda: city.get("/api/v1/schools/WZ001/part-time-capacity", headers=api_headers),
        ),
    ]
    if "aggregates" in only:
        from bench import aggregates

        aggregates.run(app)
    if "pages" in only:
        _pages(app, engine, cases)
    if "public" in only or "exports" in only:
        from bench import pages

        if "public" in only:
            pages.public_results(app, engine)
        if "exports" in only:
            pages.exports(app, city, hr_client)
    if "pages" in only:
        _city_counts(app, engine)
    if "dashboard" in only:
        from bench import dashboard

        dashboard.run(
            app,
            {"bureau": city, "bureau_lc": client_for("bureau_lc"), "hr": hr_client},
            api_headers,
        )
    if "background" in only:
        from bench import background

        background.run(app, folder)
    if "imports" in only:
        from bench import imports as import_bench

        import_bench.run(app)
    if "load" in only:
        from bench import load

        load.run(app, url, folder)
    summary()


PAGE_GOAL_MS = 100  # the median of every page and API call of the bench


def _pages(app, engine, cases) -> None:  # type: ignore[no-untyped-def]
    """Prints each case against the goal (and records it for the summary)."""
    print(f"\n{'case':<45} {'median ms':>10} {'SQL':>5} {'HTTP':>5}  goal ≤ {PAGE_GOAL_MS} ms")
    for name, call in cases:
        ms, statements, status = timed(engine, call)
        mark = "met" if ms <= PAGE_GOAL_MS else "OVER"
        record(f"page: {name}", f"{ms:.0f} ms", f"median ≤ {PAGE_GOAL_MS} ms", ms <= PAGE_GOAL_MS)
        print(f"{name:<45} {ms:>10.1f} {statements:>5} {status:>5}  {mark}")


def _city_counts(app, engine) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        from placements.stats import person_times

        start = time.perf_counter()
        counts = person_times(date(2025, 1, 1), date(2025, 12, 31), by="county")
        ms = (time.perf_counter() - start) * 1000
        label = f"person-times 2025, {len(counts):,} counties (one query)"
        print(f"{label:<45} {ms:>10.1f} {1:>5}")
        from competitions import stats as competition_stats
        from competitions.models import Competition

        for year in (2024, 2025):
            ms, statements, _status = timed(
                engine, lambda y=year: _Done(competition_stats.participation(y))
            )
            print(f"{f'participation rate {year}, whole city':<45} {ms:>10.1f} {statements:>5}")
        biggest = db.session.scalars(
            select(Competition).where(
                Competition.year == 2025, Competition.name.contains("规模测试")
            )
        ).first()
        ms, statements, _status = timed(
            engine, lambda: _Done(competition_stats.medal_table(biggest))
        )
        print(f"{'medal table of a 13,000-entry competition':<45} {ms:>10.1f} {statements:>5}")


if __name__ == "__main__":
    main()

"""The public results page of the largest competition (no sign-in) and the Excel exports."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from typing import Any

from flask import Flask
from sqlalchemy import event, func, select
from sqlalchemy.engine import Engine

from competitions.models import Competition, Entry, Event
from core.extensions import db


def _timed(engine: Engine, call: Any, runs: int = 5) -> tuple[float, int, Any]:
    statements = 0

    def count(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(engine, "before_cursor_execute", count)
    response = call()
    event.remove(engine, "before_cursor_execute", count)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), statements, response


def public_results(app: Flask, engine: Engine) -> None:
    with app.app_context():
        biggest = db.session.scalars(
            select(Competition)
            .where(Competition.name.contains("规模测试"))
            .order_by(Competition.id)
        ).first()
        if biggest is None:
            print("no large competition in this data")
            return
        entries = db.session.scalar(
            select(func.count(Entry.id))
            .join(Event, Entry.event_id == Event.id)
            .where(Event.competition_id == biggest.id)
        )
        school = db.session.scalar(
            select(Entry.school_id)
            .join(Event, Entry.event_id == Event.id)
            .where(Event.competition_id == biggest.id, Entry.award.is_not(None))
            .limit(1)
        )
        url = f"/results/{biggest.id}"
    anonymous = app.test_client()
    print(f"\n{'public results page (' + format(entries, ',') + ' entries)':<45} {'median ms':>10} "
          f"{'SQL':>5} {'HTTP':>5} {'KiB':>6}")  # fmt: skip
    cases = [
        ("first page", lambda: anonymous.get(url)),
        ("page 20", lambda: anonymous.get(url + "?page=20")),
        (
            "one school's second prizes",
            lambda: anonymous.get(f"{url}?school={school}&award=second"),
        ),
        ("the whole medal table by school, page 10", lambda: anonymous.get(
            f"{url}/medals/school?page=10")),
        ("the medal table searched by name", lambda: anonymous.get(
            f"{url}/medals/school?q=%E8%81%8C%E4%B8%9A")),  # 职业
    ]  # fmt: skip
    for name, call in cases:
        ms, statements, response = _timed(engine, call)
        print(f"{name:<45} {ms:>10.1f} {statements:>5} {response.status_code:>5} "
              f"{len(response.get_data()) // 1024:>6}")  # fmt: skip
    tag = anonymous.get(url).headers["ETag"]
    ms, statements, response = _timed(
        engine, lambda: anonymous.get(url, headers={"If-None-Match": tag})
    )
    print(f"{'unchanged, revalidated (If-None-Match)':<45} {ms:>10.1f} {statements:>5} "
          f"{response.status_code:>5} {len(response.get_data()) // 1024:>6}")  # fmt: skip
    tracemalloc.start()
    for page in range(1, 6):
        anonymous.get(f"{url}?page={page}")
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{'peak Python memory rendering a page':<45} {peak / 2**20:>10.1f} MiB")


def exports(app: Flask, city: Any, hr: Any) -> None:
    print(f"\n{'Excel export':<45} {'median ms':>10} {'HTTP':>5} {'KiB':>6}")
    with app.app_context():
        limit = app.config["ROSTER_EXPORT_INLINE_ROWS"]
    for name, client in (("the school's roster (HR)", hr), ("the city's roster (bureau)", city)):
        times = []
        for _ in range(3):
            start = time.perf_counter()
            response = client.get("/teachers/export.xlsx?status=all")
            times.append((time.perf_counter() - start) * 1000)
        size = len(response.get_data())
        kind = "file" if response.mimetype.endswith("sheet") else f"page (over {limit:,}: a task)"
        print(f"{name:<45} {statistics.median(times):>10.1f} {response.status_code:>5} "
              f"{size // 1024:>6}  {kind}")  # fmt: skip
    # The same workbook as the background task writes it, for the whole city.
    with app.app_context():
        import io

        from core.accounts import find_user
        from teachers import roster
        from teachers.queries import TeacherFilters, filtered_teachers

        query = filtered_teachers(find_user("bureau"), TeacherFilters.from_args({"status": "all"}))
        rows = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
        start = time.perf_counter()
        buffer = io.BytesIO()
        roster.export_workbook(query).save(buffer)
        ms = (time.perf_counter() - start) * 1000
        print(f"{f'the whole roster, {rows:,} rows (as the task)':<45} {ms:>10.1f} {'-':>5} "
              f"{len(buffer.getvalue()) // 1024:>6}")  # fmt: skip

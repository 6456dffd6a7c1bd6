"""The dashboard at city scale: each indicator as the app computes it against one hand-written SQL
statement (the limit), their answers compared; the city, a county and a school board (page and
API) with median, p95 and statements per request; the city's PDF report."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import event, text

from core.extensions import db
from dashboard import indicators
from dashboard.indicators import BY_KEY, KEYS
from dashboard.periods import parse_period

# One statement per indicator, for the whole city over the period [:start, :at].
RAW = {
    "dual_qualified_ratio": """
        SELECT COUNT(DISTINCT r.teacher_id), COUNT(DISTINCT t.id) FROM teachers t
        LEFT JOIN recognitions r ON r.teacher_id = t.id AND r.kind = 'dual_qualified'
          AND r.status = 'confirmed' AND r.confirmed_on <= :at AND r.recheck_due >= :at
        WHERE t.professional = :yes AND t.hire_date <= :at
          AND (t.status = 'active' OR t.leave_date > :at)""",
    "dual_qualified_teachers": """
        SELECT COUNT(DISTINCT teacher_id), NULL FROM recognitions WHERE kind = 'dual_qualified'
          AND status = 'confirmed' AND confirmed_on BETWEEN :start AND :at""",
    "enterprise_practice_person_times": """
        SELECT COUNT(*), NULL FROM placements p JOIN teachers t ON t.id = p.teacher_id
        WHERE p.status = 'approved' AND t.professional = :yes
          AND p.end_date BETWEEN :start AND :at""",
    "competition_participation_rate": """
        SELECT (SELECT COUNT(DISTINCT ep.teacher_id) FROM competition_entry_people ep
                JOIN competition_events ev ON ev.id = ep.event_id
                JOIN competitions c ON c.id = ev.competition_id
                WHERE c.year = :year AND ep.teacher_id IS NOT NULL)
             + (SELECT COUNT(DISTINCT ep.student_id) FROM competition_entry_people ep
                JOIN competition_events ev ON ev.id = ep.event_id
                JOIN competitions c ON c.id = ev.competition_id
                WHERE c.year = :year AND ep.student_id IS NOT NULL),
               (SELECT COUNT(*) FROM teachers WHERE status = 'active')
             + (SELECT COALESCE(SUM(students), 0) FROM school_enrollments WHERE year = :year)""",
    "innovation_teams": """
        SELECT COUNT(*), NULL FROM innovation_teams WHERE level IN ('city', 'province', 'national')
          AND status IN ('approved', 'building', 'accepted') AND building_start <= :at""",
    "overseas_study_teachers": """
        SELECT COUNT(DISTINCT n.teacher_id), NULL FROM overseas_nominations n
        JOIN teachers t ON t.id = n.teacher_id JOIN overseas_batches b ON b.id = n.batch_id
        WHERE n.status IN ('confirmed', 'reported') AND t.professional = :yes
          AND b.end_date BETWEEN :start AND :at""",
    "part_time_ratio": """
        SELECT (SELECT COUNT(*) FROM appointments
                WHERE status IN ('approved', 'terminated', 'ended') AND term_start <= :at
                  AND COALESCE(terminated_on, term_end) >= :at),
               (SELECT COUNT(*) FROM teachers WHERE status = 'active' AND professional = :yes)""",
    "d_class_talents": """
        SELECT COUNT(*), NULL FROM recognitions WHERE kind = 'd_class' AND status = 'confirmed'
          AND confirmed_on BETWEEN :start AND :at""",
}


def _median_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float, Any]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)], result


def run(app: Flask, clients: dict[str, Any], api_headers: dict[str, str]) -> None:
    runs = 7
    with app.app_context():
        period = parse_period("2023-2025")
        assert period is not None
        params = {"start": period.start, "at": period.at, "year": period.at.year, "yes": True}
        print(f"\n{'indicator (plan 2023-2025, whole city)':<45} {'app ms':>8} {'SQL ms':>8} "
              f"{'ratio':>6}  answer")  # fmt: skip
        app_total = raw_total = 0.0
        kept = app.config["DASHBOARD_CACHE_SECONDS"]
        app.config["DASHBOARD_CACHE_SECONDS"] = 0  # the computation itself, not its reuse
        for key in KEYS:
            from dashboard.indicators import Results

            app_ms, _p95, results = _median_ms(lambda k=key: Results(period, [k]), runs)
            raw_ms, _p95, row = _median_ms(
                lambda k=key: db.session.execute(text(RAW[k]), params).one(), runs
            )
            figure = results.figure(key)
            app_answer = (figure.numerator, figure.denominator)
            raw_answer = (int(row[0]), None if row[1] is None else int(row[1]))
            if BY_KEY[key].kind in ("count", "tally"):
                raw_answer = (raw_answer[0], None)
            verdict = (
                "same"
                if app_answer == raw_answer
                else f"ERROR app {app_answer} != SQL {raw_answer}"
            )
            app_total += app_ms
            raw_total += raw_ms
            print(f"{key:<45} {app_ms:>8.1f} {raw_ms:>8.1f} {app_ms / max(raw_ms, 0.01):>6.2f}  "
                  f"{verdict}")  # fmt: skip
        app.config["DASHBOARD_CACHE_SECONDS"] = kept
        print(f"{'all eight (the city dashboard computes these)':<45} {app_total:>8.1f} "
              f"{raw_total:>8.1f} {app_total / max(raw_total, 0.01):>6.2f}")  # fmt: skip
        engine = db.engine

    # "first" is the request that computes (after a change of any record); the others reuse it.
    print(
        f"\n{'dashboard request':<45} {'first':>8} {'median':>8} {'p95':>8} {'SQL':>5} {'HTTP':>5}"
    )
    city, county, hr = clients["bureau"], clients["bureau_lc"], clients["hr"]
    cases = [
        ("city board, this year (page)", lambda: city.get("/dashboard")),
        ("city board, plan 2023-2025 (page)", lambda: city.get("/dashboard?period=2023-2025")),
        ("county board (page)", lambda: county.get("/dashboard")),
        ("school board (page)", lambda: hr.get("/dashboard")),
        ("city indicators (API)", lambda: city.get("/api/v1/indicators?scope=city",
                                                   headers=api_headers)),
        ("county indicators (API)", lambda: city.get("/api/v1/indicators?scope=county:330302",
                                                     headers=api_headers)),
        ("school indicators (API)", lambda: city.get("/api/v1/indicators?scope=school:WZ001",
                                                     headers=api_headers)),
        ("not yet dual-qualified, city, page 1", lambda: city.get(
            "/dashboard/list/dual_qualified_ratio?scope=city")),
    ]  # fmt: skip
    for name, call in cases:
        statements = 0

        def count(*_args: object) -> None:
            nonlocal statements
            statements += 1

        with app.app_context():
            indicators._computed.clear()  # as after a change: this request computes
        event.listen(engine, "before_cursor_execute", count)
        start = time.perf_counter()
        status = call().status_code
        first = (time.perf_counter() - start) * 1000
        event.remove(engine, "before_cursor_execute", count)
        median, p95, _r = _median_ms(call, runs)
        print(f"{name:<45} {first:>8.1f} {median:>8.1f} {p95:>8.1f} {statements:>5} {status:>5}")

    with app.app_context():
        from core.accounts import find_user
        from dashboard import report
        from dashboard.board import build

        board = build(find_user("bureau"), "city", "2023-2025")
        start = time.perf_counter()
        data = report.render(board)
        print(f"{'city PDF report (worker)':<45} {(time.perf_counter() - start) * 1000:>8.1f} ms, "
              f"{len(data) // 1024} KiB")  # fmt: skip

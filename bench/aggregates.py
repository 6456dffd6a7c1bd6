"""Every aggregate a page or the dashboard uses, as the app computes it and as one hand-written SQL
statement (the limit), on the same database: median times, their ratio, and whether the answers
agree (a mismatch is printed as an ERROR). The goal is a ratio at or under 1.5, or within 5 ms
of a statement that takes a millisecond or two."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask import Flask
from sqlalchemy import select, text

from bench import record
from competitions import stats as competition_stats
from competitions.models import Competition
from core.extensions import db
from core.models import School
from core.timeutil import today
from placements import ledger
from placements.stats import person_times
from teachers.appointments.capacity import capacities
from teachers.models import Teacher


def _days_sql(dialect: str) -> str:
    """The days of an approved placement inside [:ws, :we], pro rata, as the ledger counts them."""
    if dialect == "sqlite":
        inside = "MAX(julianday(MIN(p.end_date, :we)) - julianday(MAX(p.start_date, :ws)) + 1, 0)"
        span = "(julianday(p.end_date) - julianday(p.start_date) + 1)"
    else:
        inside = "GREATEST(LEAST(p.end_date, :we) - GREATEST(p.start_date, :ws) + 1, 0)"
        span = "(p.end_date - p.start_date + 1)"
    return f"CAST(p.days AS NUMERIC) * {inside} / {span}"


def _ledger_sql(dialect: str, where: str) -> str:
    days = _days_sql(dialect)
    return f"""
        SELECT t.id, t.hire_date, t.enterprise_months, s.days, s.first_end, s.teacher_id IS NOT NULL
        FROM teachers t LEFT JOIN (
            SELECT p.teacher_id,
                   SUM(CASE WHEN p.end_date >= :ws AND p.start_date <= :we THEN {days} END) AS days,
                   MIN(CASE WHEN p.end_date >= :ws THEN p.end_date END) AS first_end
            FROM placements p
            WHERE p.status = 'approved' AND p.teacher_id IN (SELECT t.id FROM teachers t
                                                             WHERE {where})
            GROUP BY p.teacher_id) s ON s.teacher_id = t.id
        WHERE {where}"""


def _tenth(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _capacity_sql(dialect: str) -> str:
    weeks = (
        "(julianday(a.term_end) - julianday(a.term_start) + 1)"
        if dialect == "sqlite"
        else "(a.term_end - a.term_start + 1)"
    )
    return f"""
    SELECT s.id, COALESCE(t.n, 0), COALESCE(a.n, 0), COALESCE(a.pay, 0),
           COALESCE(pol.salary_standard, 0), COALESCE(u.n, 0)
    FROM schools s
    LEFT JOIN (SELECT school_id, COUNT(*) AS n FROM teachers WHERE professional = :yes
               AND hire_date <= :on AND (status = 'active' OR leave_date > :on)
               GROUP BY school_id) t ON t.school_id = s.id
    LEFT JOIN (SELECT school_id, COUNT(*) AS n,
                      SUM(a.hourly_rate * a.hours_per_week * CAST({weeks} AS NUMERIC) / 7) AS pay
               FROM appointments a WHERE a.status IN ('approved', 'terminated', 'ended')
               AND a.term_start <= :on AND COALESCE(a.terminated_on, a.term_end) >= :on
               GROUP BY school_id) a ON a.school_id = s.id
    LEFT JOIN (SELECT school_id, COUNT(*) AS n FROM appointments
               WHERE status = 'approved' AND term_start > :on GROUP BY school_id) u
      ON u.school_id = s.id
    LEFT JOIN county_part_time_policies pol ON pol.county_id = s.county_id"""


PARTICIPATION_SQL = """
    SELECT 't', t.school_id, COUNT(DISTINCT ep.teacher_id) FROM competition_entry_people ep
    JOIN teachers t ON t.id = ep.teacher_id
    WHERE ep.event_id IN (SELECT ev.id FROM competition_events ev
                          JOIN competitions c ON c.id = ev.competition_id WHERE c.year = :year)
    GROUP BY t.school_id
    UNION ALL
    SELECT 's', st.school_id, COUNT(DISTINCT ep.student_id) FROM competition_entry_people ep
    JOIN students st ON st.id = ep.student_id
    WHERE ep.event_id IN (SELECT ev.id FROM competition_events ev
                          JOIN competitions c ON c.id = ev.competition_id WHERE c.year = :year)
    GROUP BY st.school_id
    UNION ALL
    SELECT 'a', school_id, COUNT(*) FROM teachers WHERE status = 'active' GROUP BY school_id
    UNION ALL
    SELECT 'e', school_id, SUM(students) FROM school_enrollments WHERE year = :year
    GROUP BY school_id"""


def _participation_answer(rows: Any) -> dict[int, tuple[int, ...]]:
    """Per school: (teachers taking part, students taking part, active teachers, students)."""
    out: dict[int, list[int]] = {}
    for kind, school, n in rows:
        out.setdefault(school, [0, 0, 0, 0])["tsae".index(kind)] = int(n or 0)
    return {k: tuple(v) for k, v in out.items()}


MEDALS_SQL = """
    SELECT e.school_id, SUM(CASE WHEN e.award IN ('first', 'gold') THEN 1 ELSE 0 END),
           SUM(CASE WHEN e.award IN ('second', 'silver') THEN 1 ELSE 0 END),
           SUM(CASE WHEN e.award IN ('third', 'bronze') THEN 1 ELSE 0 END),
           COUNT(*)
    FROM competition_entries e
    JOIN competition_events ev ON ev.id = e.event_id
    WHERE ev.competition_id = :competition AND e.award IS NOT NULL
    GROUP BY e.school_id ORDER BY 2 DESC, 3 DESC, 4 DESC"""

PERSON_TIMES_SQL = """
    SELECT s.county_id, COUNT(*) FROM placements p
    JOIN teachers t ON t.id = p.teacher_id JOIN schools s ON s.id = t.school_id
    WHERE p.status = 'approved' AND t.professional AND p.end_date BETWEEN :first AND :last
    GROUP BY s.county_id"""


def medians_ms(
    app_fn: Callable[[], Any], sql_fn: Callable[[], Any], runs: int
) -> tuple[float, Any, float, Any]:
    """Both medians, the two run in turn (a burst of load on a small machine then falls on both
    sides), with three times the runs for the quick ones."""
    times: tuple[list[float], list[float]] = ([], [])
    answers: list[Any] = [None, None]
    turn = 0
    while turn < runs or (turn < 3 * runs and max(times[0]) < 50):
        for side, fn in enumerate((app_fn, sql_fn)):
            start = time.perf_counter()
            answers[side] = fn()
            times[side].append((time.perf_counter() - start) * 1000)
        turn += 1
    return statistics.median(times[0]), answers[0], statistics.median(times[1]), answers[1]


def run(app: Flask, runs: int = 5) -> None:
    """Prints the table and records each case's goals for the summary."""
    with app.app_context():
        dialect = db.engine.dialect.name
        on = today()
        window = ledger.Window.ending(on)
        year = on.year - 1
        school = db.session.scalars(select(School).order_by(School.id)).first()
        assert school is not None
        teacher = db.session.scalars(
            select(Teacher).where(Teacher.school_id == school.id).order_by(Teacher.id)
        ).first()
        assert teacher is not None
        biggest = db.session.scalars(
            select(Competition)
            .where(Competition.name.contains("规模测试"))
            .order_by(Competition.id)
        ).first()
        wp = {"ws": window.start, "we": window.end}

        def ledger_case(name: str, scope: Any, where: str, params: dict[str, Any]):  # type: ignore[no-untyped-def]
            def app_answer() -> dict[int, Decimal]:
                return {k: v.days_in_window for k, v in ledger.summaries(scope, on).items()}

            def sql_answer() -> dict[int, Decimal]:
                rows = db.session.execute(text(_ledger_sql(dialect, where)), wp | params)
                return {r[0]: _tenth(r[3]) for r in rows}

            return name, app_answer, sql_answer

        cases = [
            ledger_case(
                "ledger of one teacher",
                [teacher],
                "t.id = :teacher",
                {"teacher": teacher.id},
            ),
            ledger_case(
                f"ledger of every teacher of a school ({school.code})",
                select(Teacher).where(Teacher.school_id == school.id),
                "t.school_id = :school",
                {"school": school.id},
            ),
            ledger_case(
                "ledger of every teacher of a county",
                select(Teacher).where(
                    Teacher.school_id.in_(
                        select(School.id).where(School.county_id == school.county_id)
                    )
                ),
                "t.school_id IN (SELECT id FROM schools WHERE county_id = :county)",
                {"county": school.county_id},
            ),
            ledger_case(
                "ledger of every teacher of the city",
                select(Teacher),
                "1 = 1",
                {},
            ),
            (
                "part-time capacity of every school",
                lambda: {
                    k: (c.professional_teachers, c.active, round(c.committed_pay), c.upcoming)
                    for k, c in capacities().items()
                },
                lambda: {
                    r[0]: (r[1], r[2], round(Decimal(str(r[3]))), r[5])
                    for r in db.session.execute(
                        text(_capacity_sql(dialect)), {"on": on, "yes": True}
                    )
                },
            ),
            (
                f"participation {year}, by school",
                lambda: {
                    k: (p.teachers, p.students, p.active_teachers, p.enrolled_students)
                    for k, p in competition_stats.participation(year, by="school").items()
                },
                lambda: _participation_answer(
                    db.session.execute(text(PARTICIPATION_SQL), {"year": year})
                ),
            ),
            (
                f"practice person-times {year}, by county",
                lambda: person_times(date(year, 1, 1), date(year, 12, 31), by="county"),
                lambda: dict(
                    db.session.execute(
                        text(PERSON_TIMES_SQL),
                        {"first": date(year, 1, 1), "last": date(year, 12, 31)},
                    ).all()
                ),
            ),
        ]
        if biggest is not None:
            cases.append(
                (
                    "medal table of the largest competition",
                    lambda: {
                        k: tuple(c.values())[:3] + (c["total"],)
                        for k, c in competition_stats.medal_table(biggest, "school")
                    },
                    lambda: {
                        r[0]: tuple(int(v) for v in r[1:])
                        for r in db.session.execute(text(MEDALS_SQL), {"competition": biggest.id})
                    },
                )
            )
        heading = f"aggregate ({dialect})"
        print(f"\n{heading:<52} {'app ms':>9} {'SQL ms':>9} {'ratio':>6}  answer")
        for name, app_fn, sql_fn in cases:
            app_ms, app_answer, sql_ms, sql_answer = medians_ms(app_fn, sql_fn, runs)
            ratio = app_ms / max(sql_ms, 0.01)
            # Within 5 ms of a statement that itself takes a millisecond or two counts as met.
            met = ratio <= 1.5 or (sql_ms <= 2 and app_ms - sql_ms <= 5)
            verdict = "same" if app_answer == sql_answer else "ERROR: the answers differ"
            if verdict != "same":
                wrong = [k for k in set(app_answer) | set(sql_answer)
                         if app_answer.get(k) != sql_answer.get(k)][:3]  # fmt: skip
                verdict += f" (e.g. {[(k, app_answer.get(k), sql_answer.get(k)) for k in wrong]})"
            print(f"{name:<52} {app_ms:>9.1f} {sql_ms:>9.1f} {ratio:>6.2f}{'' if met else ' !'} "
                  f"{verdict}  ({len(app_answer):,} keys)")  # fmt: skip
            record(f"aggregate: {name}", f"{ratio:.2f}×", "≤ 1.5× its SQL, or within 5 ms", met)
            record(f"aggregate answers: {name}", verdict.split(" (")[0], "same", verdict == "same")

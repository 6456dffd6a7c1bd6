"""The practice ledger: approved practice days in the rolling 5-year window that ends today,
against the requirement (the rule `practice_days_required` over `practice_window_years`).

A placement that straddles the window's start counts only its share of days inside the
window (its days × inside span ÷ whole span). Everything is summed in SQL.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Date, Integer, Numeric, Select, bindparam, cast, func, select
from sqlalchemy.sql import ColumnElement

from core.extensions import db
from core.rules import get_rule
from core.sql import day_number, day_of, days_between, greatest, least
from core.timeutil import today, years_later
from teachers.models import Teacher

from .models import Placement, PlacementStatus


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @classmethod
    def ending(cls, end: date, years: int | None = None) -> Window:
        years = years or get_rule("practice_window_years", end)
        return cls(years_later(end, -years) + timedelta(days=1), end)


def days_inside(window: Window) -> ColumnElement[Decimal]:
    """SQL: the days of an approved placement that fall inside `window` (0 when outside)."""
    return _days_inside(day_of(window.start), day_of(window.end))


def _days_inside(first_day: Any, last_day: Any) -> ColumnElement[Decimal]:
    first = greatest(day_number(Placement.start_date), first_day)
    last = least(day_number(Placement.end_date), last_day)
    inside = greatest(last - first + 1, 0)
    span = days_between(Placement.start_date, Placement.end_date) + 1
    return cast(Placement.days, Numeric(12, 4)) * inside / span


def days_by_teacher(window: Window, teacher_ids: Select[Any] | None = None):  # type: ignore[no-untyped-def]
    """A query of (teacher_id, days in window) for approved placements, of a scope of teachers
    (a query of their ids) or of everyone."""
    query = (
        select(Placement.teacher_id, func.coalesce(func.sum(days_inside(window)), 0))
        .where(
            Placement.status == PlacementStatus.APPROVED,
            Placement.end_date >= window.start,
            Placement.start_date <= window.end,
        )
        .group_by(Placement.teacher_id)
    )
    if teacher_ids is not None:
        query = query.where(Placement.teacher_id.in_(teacher_ids))
    return query


TENTH = Decimal("0.1")
HALF_TENTH = Decimal("0.05")


def falls_short(days: Any, required: int) -> ColumnElement[bool]:
    """SQL: a teacher's days (a column of `days_by_teacher`, NULL for none) fall short of
    `required` as the ledger shows them, rounded half up to a tenth: 131.95 days read 132.0
    and meet 132, 131.94 read 131.9 and do not. Every list, count and reminder that picks the
    teachers short of the requirement filters with this, so it agrees with `PracticeSummary`."""
    return func.coalesce(days, 0) < Decimal(required) - HALF_TENTH


def round_days(value: Decimal | float | int) -> Decimal:
    # A Decimal is rounded as it is (its text is exact, and writing out the database's long
    # quotients cost more than the ledger's query); a float goes through its shortest text.
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    return value.quantize(TENTH, rounding=ROUND_HALF_UP)


# Not frozen: a city's ledger builds 150,000 of these, and a frozen dataclass takes three times
# as long to build. Nothing changes one once made.
@dataclass(slots=True)
class PracticeSummary:
    teacher_id: int
    days_in_window: Decimal
    required_days: int
    window: Window
    hire_date: date
    years: int
    first_end: date | str | None  # the oldest counted placement's end (SQLite: ISO text)
    enterprise_months: int
    approved_any: bool

    # Derived on demand: a list of thousands of teachers reads only the days of most of them.
    @property
    def expected_days(self) -> Decimal:
        """The pro-rata share for teachers hired less than a window ago."""
        served = Decimal(max(0, (self.window.end - self.hire_date).days))
        return round_days(
            min(Decimal(1), served / Decimal(365.25 * self.years)) * self.required_days
        )

    @property
    def oldest_drops_on(self) -> date | None:
        """When the oldest counted placement leaves the window."""
        first_end = self.first_end
        if isinstance(first_end, str):
            first_end = date.fromisoformat(first_end)
        return years_later(first_end, self.years) if first_end else None

    @property
    def new_without_experience(self) -> bool:
        return (
            self.enterprise_months == 0
            and self.hire_date > years_later(self.window.end, -1)
            and not self.approved_any
        )

    @property
    def meets_requirement(self) -> bool:
        return self.days_in_window >= self.required_days

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), Decimal(self.required_days) - self.days_in_window)

    @property
    def status(self) -> str:
        """'met', 'on_track' (at least the pro-rata share so far) or 'behind'."""
        if self.meets_requirement:
            return "met"
        return "on_track" if self.days_in_window >= self.expected_days else "behind"

    @property
    def percent(self) -> int:
        return min(100, int(self.days_in_window * 100 / max(1, self.required_days)))

    def as_json(self) -> dict:
        return {
            "teacher_id": self.teacher_id,
            "days_in_window": float(self.days_in_window),
            "required_days": self.required_days,
            "window_start": self.window.start.isoformat(),
            "window_end": self.window.end.isoformat(),
            "meets_requirement": self.meets_requirement,
            "shortfall_days": float(self.shortfall),
            "status": self.status,
            "oldest_counted_drops_out_on": (
                self.oldest_drops_on.isoformat() if self.oldest_drops_on else None
            ),
            "new_teacher_without_enterprise_experience": self.new_without_experience,
        }


Teachers = Select[Any] | Sequence[Teacher]


def _scope_ids(teachers: Teachers) -> Any:
    """The teachers' ids for an IN: a scope stays a query (no list of ids is ever bound); a few
    teacher objects already loaded (a page of a list) become a short list."""
    if isinstance(teachers, Select):
        return (
            teachers.with_only_columns(Teacher.id, maintain_column_froms=True)
            .order_by(None)
            .scalar_subquery()
        )
    return [t.id for t in teachers]


@functools.cache
def _list_statement() -> Select[Any]:
    """The statement for a list of teacher ids, built once (building costs ten times running)."""
    return _build_summary_statement(bindparam("ids", expanding=True))


def _build_summary_statement(ids: Any, people: Any = None) -> Select[Any]:
    """The ledger of the teachers `ids` (an IN's right side); `people` (id, hire date, enterprise
    months of the same teachers, a subquery of the scope) spares the database a second IN."""
    start, end = bindparam("start", type_=Date), bindparam("end", type_=Date)
    days = _days_inside(bindparam("start_day", type_=Integer), bindparam("end_day", type_=Integer))
    counted = Placement.end_date >= start
    per_teacher = (
        select(
            Placement.teacher_id,
            func.sum(days).filter(counted, Placement.start_date <= end),
            func.min(Placement.end_date).filter(counted),
        )
        .where(Placement.status == PlacementStatus.APPROVED, Placement.teacher_id.in_(ids))
        .group_by(Placement.teacher_id)
        .subquery()
    )
    if people is None:
        people = (
            select(Teacher.id, Teacher.hire_date, Teacher.enterprise_months)
            .where(Teacher.id.in_(ids))
            .subquery()
        )
    return select(
        people.c.id,
        people.c.hire_date,
        people.c.enterprise_months,
        per_teacher.c[1],
        per_teacher.c[2],
        per_teacher.c.teacher_id.is_not(None),
    ).select_from(people.outerjoin(per_teacher, per_teacher.c.teacher_id == people.c.id))


def summaries(teachers: Teachers, on: date | None = None) -> dict[int, PracticeSummary]:
    """Practice summaries of every teacher of a scope (a query of teachers) or of a page of
    teacher objects, in one statement whatever their number."""
    if not isinstance(teachers, Select) and not teachers:
        return {}
    on = on or today()
    window = Window.ending(on)
    required = get_rule("practice_days_required", on)
    years = get_rule("practice_window_years", on)
    params = {
        "start": window.start, "end": window.end,
        "start_day": day_of(window.start), "end_day": day_of(window.end),
    }  # fmt: skip
    if isinstance(teachers, Select):
        people = (
            teachers.with_only_columns(
                Teacher.id, Teacher.hire_date, Teacher.enterprise_months, maintain_column_froms=True
            )
            .order_by(None)
            .subquery()
        )
        statement = _build_summary_statement(_scope_ids(teachers), people)
    else:
        statement = _list_statement()
        params["ids"] = _scope_ids(teachers)
    # Built as the rows stream in: gathering a city's 150,000 rows first kept the garbage
    # collector walking them (a third of the time on SQLite).
    rows = db.session.execute(statement, params)
    zero = Decimal("0.0")
    return {
        teacher_id: PracticeSummary(
            teacher_id,
            days.quantize(TENTH, ROUND_HALF_UP) if type(days) is Decimal
            else zero if days is None else round_days(days),
            required, window, hire_date, years, first_end, enterprise_months, bool(approved_any),
        )
        for teacher_id, hire_date, enterprise_months, days, first_end, approved_any in rows
    }  # fmt: skip


def summary(teacher: Teacher, on: date | None = None) -> PracticeSummary:
    return summaries([teacher], on)[teacher.id]

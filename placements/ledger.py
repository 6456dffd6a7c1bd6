"""The practice ledger: approved practice days in the rolling 5-year window that ends today,
against the requirement (national rule: 6 months in every 5 years; 132 days by default).

A placement that straddles the window's start counts only its share of days inside the
window (its days × inside span ÷ whole span). Everything is summed in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Numeric, cast, func, select
from sqlalchemy.sql import ColumnElement

from core.extensions import db
from core.rules import get_rule
from core.sql import day_number, day_of, greatest, least
from core.timeutil import today
from teachers.models import Teacher

from .models import Placement, PlacementStatus


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class Window:
    start: date
    end: date

    @classmethod
    def ending(cls, end: date, years: int | None = None) -> Window:
        years = years or get_rule("practice_window_years", end)
        return cls(years_before(end, years) + timedelta(days=1), end)


def days_inside(window: Window) -> ColumnElement[Decimal]:
    """SQL: the days of an approved placement that fall inside `window` (0 when outside)."""
    first = greatest(day_number(Placement.start_date), day_of(window.start))
    last = least(day_number(Placement.end_date), day_of(window.end))
    inside = greatest(last - first + 1, 0)
    span = day_number(Placement.end_date) - day_number(Placement.start_date) + 1
    return cast(Placement.days, Numeric(12, 4)) * inside / span


def days_by_teacher(window: Window, teacher_ids: ColumnElement | list[int] | None = None):  # type: ignore[no-untyped-def]
    """A query of (teacher_id, days in window) for approved placements."""
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


def round_days(value: Decimal | float | int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PracticeSummary:
    teacher_id: int
    days_in_window: Decimal
    required_days: int
    window: Window
    expected_days: Decimal  # pro rata for teachers hired less than a window ago
    oldest_drops_on: date | None  # when the oldest counted placement leaves the window
    new_without_experience: bool

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


def summaries(teachers: list[Teacher], on: date | None = None) -> dict[int, PracticeSummary]:
    """Practice summaries of many teachers in two queries, whatever their number."""
    on = on or today()
    window = Window.ending(on)
    required = get_rule("practice_days_required", on)
    ids = [t.id for t in teachers]
    days = dict(db.session.execute(days_by_teacher(window, ids)).all()) if ids else {}
    oldest = {}
    approved_any = set()
    if ids:
        rows = db.session.execute(
            select(
                Placement.teacher_id,
                func.min(Placement.end_date).filter(Placement.end_date >= window.start),
                func.count(Placement.id),
            )
            .where(Placement.teacher_id.in_(ids), Placement.status == PlacementStatus.APPROVED)
            .group_by(Placement.teacher_id)
        ).all()
        for teacher_id, first_end, count in rows:
            oldest[teacher_id] = first_end
            if count:
                approved_any.add(teacher_id)
    years = get_rule("practice_window_years", on)
    out = {}
    for t in teachers:
        served = Decimal(max(0, (on - t.hire_date).days)) / Decimal(365.25 * years)
        first_end = oldest.get(t.id)
        if isinstance(first_end, str):  # SQLite returns the aggregate as text
            first_end = date.fromisoformat(first_end)
        out[t.id] = PracticeSummary(
            teacher_id=t.id,
            days_in_window=round_days(days.get(t.id, 0)),
            required_days=required,
            window=window,
            expected_days=round_days(min(Decimal(1), served) * required),
            oldest_drops_on=(years_before(first_end, -years) if first_end else None),
            new_without_experience=(
                t.enterprise_months == 0
                and t.hire_date > years_before(on, 1)
                and t.id not in approved_any
            ),
        )
    return out


def summary(teacher: Teacher, on: date | None = None) -> PracticeSummary:
    return summaries([teacher], on)[teacher.id]

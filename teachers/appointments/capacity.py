"""How many part-time teachers each school may have: floor(cap ratio × professional teachers in
post on the day), against those in post, with the money the county's standard implies. The
figures of every school come from one query."""

from __future__ import annotations

import functools
import math
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, Numeric, Select, bindparam, cast, func, select

from core.extensions import db
from core.models import School
from core.rules import get_rule
from core.sql import days_between
from core.timeutil import today
from teachers.models import Teacher
from teachers.queries import active_professional_on

from .models import HOLDS_A_PLACE, Appointment, AppointmentStatus, CountyPartTimePolicy


def cap_for(
    professional_teachers: int, on: date | None = None, ratio: Decimal | None = None
) -> int:
    """floor(cap ratio × professional teachers); pass `ratio` when computing many schools."""
    ratio = get_rule("part_time_cap_ratio", on) if ratio is None else ratio
    return math.floor(ratio * professional_teachers)


@dataclass(frozen=True)
class Capacity:
    school_id: int
    professional_teachers: int
    cap: int
    active: int
    salary_standard: Decimal
    committed_pay: Decimal
    upcoming: int = 0  # approved, their term starting later: their places are spoken for

    @property
    def remaining(self) -> int:
        return max(0, self.cap - self.active - self.upcoming)

    @property
    def over_cap(self) -> bool:
        return self.active > self.cap

    @property
    def budget(self) -> Decimal:
        return self.salary_standard * self.cap

    def as_json(self) -> dict:
        return {
            "professional_teachers": self.professional_teachers,
            "cap": self.cap,
            "active": self.active,
            "upcoming": self.upcoming,
            "remaining": self.remaining,
            "over_cap": self.over_cap,
            "budget": float(self.budget),
            "committed_pay": float(self.committed_pay),
        }


def term_pay():  # type: ignore[no-untyped-def]
    """SQL: an appointment's pay over its whole term (rate × hours a week × weeks)."""
    weeks = (
        cast(
            days_between(Appointment.term_start, Appointment.term_end) + 1,
            Numeric(12, 4),
        )
        / 7
    )
    return Appointment.hourly_rate * Appointment.hours_per_week * weeks


def _professional_per_school(on: Any, schools: Collection[int] | None = None):  # type: ignore[no-untyped-def]
    """Professional teachers in post on `on` per school: the same base as the ratio's."""
    query = select(Teacher.school_id, func.count().label("n")).where(active_professional_on(on))
    if schools is not None:  # inside the grouping: a filter outside it would count every school
        query = query.where(Teacher.school_id.in_(schools))
    return query.group_by(Teacher.school_id).subquery()


def holding_a_place(first: date, last: date | None = None) -> tuple[Any, ...]:
    """SQL: appointments that hold one of their school's places on some day from `first` to
    `last` (on `first` alone when no `last`): approved, or ended or terminated after it began.
    The one definition the cap's check at approval and every count of places read."""
    return (
        Appointment.status.in_(HOLDS_A_PLACE),
        Appointment.term_start <= (last or first),
        func.coalesce(Appointment.terminated_on, Appointment.term_end) >= first,
    )


def places_in_use(on: date, schools: Collection[int] | None = None) -> dict[int, tuple[int, int]]:
    """{school: (places held on `on`, professional teachers)}: the dashboard's part-time share,
    without the pay and the later terms `capacities` adds for the pages; of `schools` only, when
    given."""
    professional = _professional_per_school(on, schools)
    held = select(Appointment.school_id, func.count().label("n")).where(*holding_a_place(on))
    if schools is not None:
        held = held.where(Appointment.school_id.in_(schools))
    held = held.group_by(Appointment.school_id).subquery()
    query = (
        select(School.id, func.coalesce(held.c.n, 0), func.coalesce(professional.c.n, 0))
        .outerjoin(professional, professional.c.school_id == School.id)
        .outerjoin(held, held.c.school_id == School.id)
    )
    if schools is not None:
        query = query.where(School.id.in_(schools))
    rows = db.session.execute(query)
    return {school: (int(n), int(teachers)) for school, n, teachers in rows}


@functools.cache
def _capacity_statement(some_schools: bool) -> Select[Any]:
    """Every school's capacity figures, built once with `on` (and `school_ids`) bound: building
    the statement took longer than SQLite takes to run it."""
    on = bindparam("on", type_=Date)
    # Of some schools: each count inside its own grouping (a filter on the outer join alone would
    # still count every school of a province, then drop all but these).
    chosen = bindparam("school_ids", expanding=True) if some_schools else None
    professional = _professional_per_school(on, chosen)
    active = (
        select(
            Appointment.school_id,
            func.count(Appointment.id).label("n"),
            func.sum(term_pay()).label("pay"),
        )
        .where(*holding_a_place(on), *_of(Appointment.school_id, chosen))
        .group_by(Appointment.school_id)
        .subquery()
    )
    upcoming = (
        select(Appointment.school_id, func.count(Appointment.id).label("n"))
        .where(
            Appointment.status == AppointmentStatus.APPROVED,
            Appointment.term_start > on,
            *_of(Appointment.school_id, chosen),
        )
        .group_by(Appointment.school_id)
        .subquery()
    )
    query = (
        select(
            School.id,
            func.coalesce(professional.c.n, 0),
            func.coalesce(active.c.n, 0),
            func.coalesce(active.c.pay, 0),
            func.coalesce(CountyPartTimePolicy.salary_standard, 0),
            func.coalesce(upcoming.c.n, 0),
        )
        .outerjoin(professional, professional.c.school_id == School.id)
        .outerjoin(active, active.c.school_id == School.id)
        .outerjoin(upcoming, upcoming.c.school_id == School.id)
        .outerjoin(CountyPartTimePolicy, CountyPartTimePolicy.county_id == School.county_id)
    )
    if chosen is not None:
        query = query.where(School.id.in_(chosen))
    return query


def _of(column: Any, chosen: Any) -> tuple[Any, ...]:
    return (column.in_(chosen),) if chosen is not None else ()


def capacities(school_ids: list[int] | None = None, on: date | None = None) -> dict[int, Capacity]:
    on = on or today()
    params: dict[str, Any] = {"on": on}
    if school_ids is not None:
        params["school_ids"] = list(school_ids)
    rows = db.session.execute(_capacity_statement(school_ids is not None), params)
    out = {}
    ratio = get_rule("part_time_cap_ratio", on)  # read once for every school
    for school_id, teachers, n_active, pay, standard, later in rows:
        out[school_id] = Capacity(
            school_id=school_id,
            professional_teachers=int(teachers),
            cap=cap_for(int(teachers), on, ratio),
            active=int(n_active),
            salary_standard=Decimal(str(standard)),
            committed_pay=Decimal(str(pay)).quantize(Decimal("0.01")),
            upcoming=int(later),
        )
    return out


def capacity(school: School, on: date | None = None) -> Capacity:
    return capacities([school.id], on)[school.id]

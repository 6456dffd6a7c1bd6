"""The rows the recognition figures count, and their counts per school, county or the city, in SQL:
valid dual-qualified teachers on a day (the ratio's numerator), teachers recognised in a period.
Their targets are the plan's rule (`plan_targets`), not this module's."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, and_, distinct, exists, func, literal, select

from core.db import among
from core.extensions import db
from core.models import School
from core.timeutil import today
from teachers.models import Teacher
from teachers.queries import active_professional_on

from .models import Kind, Recognition, Status


def valid_dual_qualified(on: date) -> ColumnElement[bool]:
    """A dual-qualified recognition that holds on `on`: confirmed by then and not past its recheck
    date (the ratio's numerator counts teachers with one)."""
    return and_(
        Recognition.kind == Kind.DUAL_QUALIFIED,
        Recognition.status == Status.CONFIRMED,
        Recognition.confirmed_on <= on,
        Recognition.recheck_due >= on,
    )


def is_dual_qualified(on: date) -> ColumnElement[bool]:
    """On a query of teachers: the teacher holds a valid dual-qualified recognition on `on`."""
    return exists().where(Recognition.teacher_id == Teacher.id, valid_dual_qualified(on))


def dual_qualified_ratio(
    by: str = "city", on: date | None = None, schools: Collection[int] | None = None
) -> dict[object, tuple[int, int, Decimal]]:
    """{key: (recognised, professional teachers, ratio)} for the professional teachers in post on
    `on` (today by default), recognised then and not past their recheck date; of `schools` only,
    when given."""
    on = on or today()
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    valid = and_(Recognition.teacher_id == Teacher.id, valid_dual_qualified(on))
    # Joined straight (not through a DISTINCT subquery, which SQLite scans once per teacher):
    # a teacher with two valid recognitions is still one, by the DISTINCT counts.
    query = (
        select(
            group, func.count(distinct(Recognition.teacher_id)), func.count(distinct(Teacher.id))
        )
        .select_from(Teacher)
        .outerjoin(Recognition, valid)
        .where(active_professional_on(on))
        .group_by(group)
    )
    if by == "county":
        query = query.join(School, Teacher.school_id == School.id)
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    rows = db.session.execute(query)
    return {
        key: (
            int(n),
            int(total),
            (Decimal(n) / total).quantize(Decimal("0.0001")) if total else Decimal(0),
        )
        for key, n, total in rows
    }


def recognised_in(start: date, end: date, kind: Kind) -> ColumnElement[bool]:
    """Recognitions of `kind` confirmed from `start` to `end` (a period's count)."""
    return and_(
        Recognition.kind == kind,
        Recognition.status == Status.CONFIRMED,
        Recognition.confirmed_on.between(start, end),
    )


def recognised_rows(
    start: date, end: date, kind: Kind, schools: Collection[int]
) -> Select[tuple[Recognition]]:
    """The rows `recognised_between` counts, of `schools`: dual-qualified counts teachers, so a
    teacher recognised twice in the period is one row (their latest recognition); D-class counts
    recognitions."""
    query = (
        select(Recognition)
        .join(Teacher, Recognition.teacher_id == Teacher.id)
        .where(among(Teacher.school_id, schools), recognised_in(start, end, kind))
    )
    if kind == Kind.DUAL_QUALIFIED:
        latest = (
            select(func.max(Recognition.id))
            .join(Teacher, Recognition.teacher_id == Teacher.id)
            .where(among(Teacher.school_id, schools), recognised_in(start, end, kind))
            .group_by(Recognition.teacher_id)
        )
        query = query.where(Recognition.id.in_(latest))
    return query


def recognised_between(
    start: date,
    end: date,
    kind: Kind = Kind.DUAL_QUALIFIED,
    by: str = "city",
    schools: Collection[int] | None = None,
) -> dict[object, int]:
    """Distinct teachers (D-class: recognitions) confirmed from `start` to `end`, per school,
    county or the city (of `schools` only, when given)."""
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    counted = (
        func.count(distinct(Recognition.teacher_id))
        if kind == Kind.DUAL_QUALIFIED
        else func.count(Recognition.id)
    )
    query = (
        select(group, counted)
        .join(Teacher, Recognition.teacher_id == Teacher.id)
        .join(School, Teacher.school_id == School.id)
        .where(recognised_in(start, end, kind))
        .group_by(group)
    )
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return dict(db.session.execute(query).all())

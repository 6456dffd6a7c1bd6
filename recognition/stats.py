"""The dual-qualified ratio (plan: ≥ 90% of professional teachers) and the count recognised since
2023 (plan: 5,000), per school, county or the city, in SQL."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, distinct, func, literal, select

from core.extensions import db
from core.models import School
from core.timeutil import today
from teachers.models import Teacher
from teachers.queries import active_professional_on

from .models import Kind, Recognition, Status


def dual_qualified_ratio(
    by: str = "city", on: date | None = None, schools: Collection[int] | None = None
) -> dict[object, tuple[int, int, Decimal]]:
    """{key: (recognised, professional teachers, ratio)} for the professional teachers in post on
    `on` (today by default), recognised then and not past their recheck date; of `schools` only,
    when given."""
    on = on or today()
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    valid = and_(
        Recognition.teacher_id == Teacher.id,
        Recognition.kind == Kind.DUAL_QUALIFIED,
        Recognition.status == Status.CONFIRMED,
        Recognition.confirmed_on <= on,
        Recognition.recheck_due >= on,
    )
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


def recognised_since(since: date = date(2023, 1, 1), kind: Kind = Kind.DUAL_QUALIFIED) -> int:
    return db.session.scalar(
        select(func.count(distinct(Recognition.teacher_id))).where(
            Recognition.kind == kind,
            Recognition.status == Status.CONFIRMED,
            Recognition.confirmed_on >= since,
        )
    )


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
        .where(
            Recognition.kind == kind,
            Recognition.status == Status.CONFIRMED,
            Recognition.confirmed_on.between(start, end),
        )
        .group_by(group)
    )
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return dict(db.session.execute(query).all())

"""Counts for the dashboard, computed in SQL: person-times (approved placements), practice days,
distinct host enterprises (千企) and distinct posts (万岗), per school, county or the city."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, String, and_, cast, distinct, func, literal, select

from core.db import among
from core.extensions import db
from core.models import School
from teachers.models import Teacher

from .models import Placement, PlacementStatus


@dataclass(frozen=True)
class PracticeCounts:
    person_times: int
    days: Decimal
    enterprises: int
    posts: int


def practice_counts(year: int | None = None, by: str = "city") -> dict[object, PracticeCounts]:
    """Counts of approved placements ending in `year` (all years when None), keyed by school id,
    county id, or "city"."""
    group = {
        "school": Teacher.school_id,
        "county": School.county_id,
        "city": literal("city"),
    }[by]
    # A post is an enterprise and a post title together.
    post_key = cast(Placement.enterprise_id, String) + ":" + Placement.post
    query = (
        select(
            group.label("key"),
            func.count(Placement.id),
            func.coalesce(func.sum(Placement.days), 0),
            func.count(distinct(Placement.enterprise_id)),
            func.count(distinct(post_key)),
        )
        .join(Teacher, Placement.teacher_id == Teacher.id)
        .join(School, Teacher.school_id == School.id)
        .where(Placement.status == PlacementStatus.APPROVED)
        .group_by(group)
    )
    if year is not None:
        # A range, not extract(year …): the index on end_date can serve it.
        query = query.where(Placement.end_date.between(date(year, 1, 1), date(year, 12, 31)))
    return {
        key: PracticeCounts(int(n), Decimal(str(days)), int(ents), int(posts))
        for key, n, days, ents, posts in db.session.execute(query)
    }


def counted(start: date, end: date) -> ColumnElement[bool]:
    """The placements the person-times count (joined to their teacher): approved practice of a
    professional teacher that ended from `start` to `end`."""
    return and_(
        Placement.status == PlacementStatus.APPROVED,
        Teacher.professional.is_(True),
        Placement.end_date.between(start, end),
    )


def counted_rows(start: date, end: date, schools: Collection[int]) -> Select[tuple[Placement]]:
    """The rows `person_times` counts, of `schools` (the list behind the figure)."""
    return (
        select(Placement)
        .join(Teacher, Placement.teacher_id == Teacher.id)
        .where(among(Teacher.school_id, schools), counted(start, end))
    )


def person_times(
    start: date, end: date, by: str = "city", schools: Collection[int] | None = None
) -> dict[object, int]:
    """Enterprise practice of professional teachers, in 人次: approved placements whose practice
    ended from `start` to `end`, per school, county or the city (of `schools` only, when given)."""
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    query = (
        # count(*): a school's placements are counted from the (teacher, status, end) index alone
        select(group, func.count())
        .select_from(Placement)
        .join(Teacher, Placement.teacher_id == Teacher.id)
        .where(counted(start, end))
        .group_by(group)
    )
    if by == "county":  # only counties need the schools (a million rows joined for nothing)
        query = query.join(School, Teacher.school_id == School.id)
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return dict(db.session.execute(query).all())

"""Counts for the dashboard, computed in SQL: person-times (approved placements of professional
teachers, the plan's 人次), per school, county or the city."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, literal, select

from core.db import among
from core.extensions import db
from core.models import School
from teachers.models import Teacher

from .models import Placement, PlacementStatus


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

"""Figures of the roster itself: the one owner of each (the counties' assessment reads them)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import func, select

from core.extensions import db

from .models import Teacher


def recruited_between(
    start: date, end: date, schools: Collection[int] | None = None
) -> dict[int, int]:
    """{school: teachers hired from `start` to `end`} (the roster's hire dates; a teacher who
    has left since was still recruited), of `schools` only when given."""
    query = (
        select(Teacher.school_id, func.count())
        .where(Teacher.hire_date >= start, Teacher.hire_date <= end)
        .group_by(Teacher.school_id)
    )
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return {int(school): int(n) for school, n in db.session.execute(query)}

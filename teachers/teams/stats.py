"""Counts for the dashboard (plan: ≥ 50 city-level teams; ≥ 100 teachers studied abroad)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import distinct, func, literal, select

from core.extensions import db
from core.models import School
from teachers.models import Teacher

from .models import (
    InnovationTeam,
    Nomination,
    NominationStatus,
    OverseasBatch,
    TeamLevel,
    TeamStatus,
)

CITY_AND_ABOVE = (TeamLevel.CITY, TeamLevel.PROVINCE, TeamLevel.NATIONAL)


def team_counts(
    by: str = "city", on: date | None = None, schools: Collection[int] | None = None
) -> dict[object, int]:
    """City-level (and above) teams approved, building or accepted, per school, county or city;
    with `on`, only those whose building had begun by then; with `schools`, of those only."""
    group = {
        "school": InnovationTeam.school_id,
        "county": School.county_id,
        "city": literal("city"),
    }[by]
    query = (
        select(group, func.count(InnovationTeam.id))
        .join(School, InnovationTeam.school_id == School.id)
        .where(
            InnovationTeam.level.in_(CITY_AND_ABOVE),
            InnovationTeam.status.in_(
                [TeamStatus.APPROVED, TeamStatus.BUILDING, TeamStatus.ACCEPTED]
            ),
        )
        .group_by(group)
    )
    if on is not None:
        query = query.where(InnovationTeam.building_start <= on)
    if schools is not None:
        query = query.where(InnovationTeam.school_id.in_(schools))
    return dict(db.session.execute(query).all())


def overseas_counts(since: date = date(2023, 1, 1), by: str = "city") -> dict[object, int]:
    """Distinct professional teachers who completed a visit (report filed) since `since`, per
    school, country or the city."""
    group = {
        "school": Teacher.school_id,
        "country": OverseasBatch.country,
        "city": literal("city"),
    }[by]
    rows = db.session.execute(
        select(group, func.count(distinct(Nomination.teacher_id)))
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .where(
            Nomination.status == NominationStatus.REPORTED,
            Teacher.professional.is_(True),
            OverseasBatch.start_date >= since,
        )
        .group_by(group)
    )
    return dict(rows.all())


def returned_between(
    start: date, end: date, by: str = "city", schools: Collection[int] | None = None
) -> dict[object, int]:
    """Distinct professional teachers back from an overseas visit that ended from `start` to
    `end` (they went: confirmed, or reported since), per school, county or the city (of
    `schools` only, when given)."""
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    query = (
        select(group, func.count(distinct(Nomination.teacher_id)))
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .join(School, Teacher.school_id == School.id)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .where(
            Nomination.status.in_([NominationStatus.CONFIRMED, NominationStatus.REPORTED]),
            Teacher.professional.is_(True),
            OverseasBatch.end_date.between(start, end),
        )
        .group_by(group)
    )
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return dict(db.session.execute(query).all())

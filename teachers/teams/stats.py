"""The rows the teams and overseas-study figures count, and their counts, in SQL (their targets
are the plan's rule, `plan_targets`)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, distinct, func, literal, select

from core.db import among
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


def counted_teams(on: date | None = None) -> ColumnElement[bool]:
    """The teams the plan counts: city-level or above, approved, building or accepted; with `on`,
    only those whose building had begun by then."""
    counted = and_(
        InnovationTeam.level.in_(CITY_AND_ABOVE),
        InnovationTeam.status.in_([TeamStatus.APPROVED, TeamStatus.BUILDING, TeamStatus.ACCEPTED]),
    )
    return counted if on is None else and_(counted, InnovationTeam.building_start <= on)


def team_rows(on: date, schools: Collection[int]) -> Select[tuple[InnovationTeam]]:
    """The rows `team_counts` counts on `on`, of `schools` (the list behind the figure)."""
    return select(InnovationTeam).where(among(InnovationTeam.school_id, schools), counted_teams(on))


def team_counts(
    by: str = "city", on: date | None = None, schools: Collection[int] | None = None
) -> dict[object, int]:
    """Counted teams (`counted_teams`) per school, county or city; with `schools`, of those only."""
    group = {
        "school": InnovationTeam.school_id,
        "county": School.county_id,
        "city": literal("city"),
    }[by]
    query = (
        select(group, func.count(InnovationTeam.id))
        .join(School, InnovationTeam.school_id == School.id)
        .where(counted_teams(on))
        .group_by(group)
    )
    if schools is not None:
        query = query.where(InnovationTeam.school_id.in_(schools))
    return dict(db.session.execute(query).all())


def overseas_counts(since: date = date(2023, 1, 1), by: str = "city") -> dict[object, int]:
    """Distinct professional teachers who completed a visit (report filed) since `since`, per
    school, country or the city: the overseas page's breakdown by country, not the plan's figure
    (that is `returned_between`)."""
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


def returned(start: date, end: date) -> ColumnElement[bool]:
    """Nominations (joined to their teacher and batch) the overseas figure counts: professional
    teachers who went (confirmed, or reported since) on a visit that ended from `start` to `end`."""
    return and_(
        Nomination.status.in_([NominationStatus.CONFIRMED, NominationStatus.REPORTED]),
        Teacher.professional.is_(True),
        OverseasBatch.end_date.between(start, end),
    )


def returned_rows(start: date, end: date, schools: Collection[int]) -> Select[tuple[Nomination]]:
    """The rows `returned_between` counts, of `schools`: one per teacher (their latest visit in
    the period), as the figure counts distinct teachers."""
    found = (
        select(Nomination.id)
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .where(among(Teacher.school_id, schools), returned(start, end))
    )
    latest = found.with_only_columns(func.max(Nomination.id)).group_by(Nomination.teacher_id)
    return select(Nomination).where(Nomination.id.in_(latest))


def returned_between(
    start: date, end: date, by: str = "city", schools: Collection[int] | None = None
) -> dict[object, int]:
    """Distinct teachers counted by `returned`, per school, county or the city (of `schools`
    only, when given)."""
    group = {"school": Teacher.school_id, "county": School.county_id, "city": literal("city")}[by]
    query = (
        select(group, func.count(distinct(Nomination.teacher_id)))
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .join(School, Teacher.school_id == School.id)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .where(returned(start, end))
        .group_by(group)
    )
    if schools is not None:
        query = query.where(Teacher.school_id.in_(schools))
    return dict(db.session.execute(query).all())

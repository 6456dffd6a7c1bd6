"""The digital-literacy pass rate's rows: per school, the teachers who were to take the year's
round and those of them who passed. The one owner of the figure: the board, its list of who has
not passed, the PDF and the Excel read it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, distinct, func, or_, select

from core.db import among
from core.extensions import db
from teachers.models import Teacher
from teachers.queries import active_professional_on, in_post_on

from .models import IN_POST, LiteracyResult, LiteracyRound


def _rounds(year: int) -> list[Any]:
    return list(
        db.session.execute(
            select(LiteracyRound.id, LiteracyRound.school_id, LiteracyRound.takers).where(
                LiteracyRound.year == year
            )
        )
    )


def bases(year: int, schools: Collection[int]) -> dict[int, str]:
    """Who was to take a round of `year`, per school with one (the city's rounds reach every
    school): professional teachers, or all teachers in post when any of its rounds says so."""
    rounds = _rounds(year)
    out: dict[int, str] = {}
    for school in schools:
        mine = [r for r in rounds if r.school_id in (None, school)]
        if mine:
            out[school] = IN_POST if any(r.takers == IN_POST for r in mine) else "professional"
    return out


def _base(kind: str, on: date) -> ColumnElement[bool]:
    return in_post_on(on) if kind == IN_POST else active_professional_on(on)


def _passing(year: int):  # type: ignore[no-untyped-def]
    """Current passing results of `year`'s rounds: (teacher, the round's school or None)."""
    return (
        select(LiteracyResult.teacher_id, LiteracyRound.school_id.label("round_school"))
        .join(LiteracyRound, LiteracyResult.round_id == LiteracyRound.id)
        .where(
            LiteracyRound.year == year,
            LiteracyResult.current.is_(True),
            LiteracyResult.passed.is_(True),
        )
    )


def _open_to(round_school: Any) -> ColumnElement[bool]:
    """A round open to the teacher's school: the city's reach every school."""
    return or_(round_school.is_(None), round_school == Teacher.school_id)


def passed(year: int) -> ColumnElement[bool]:
    """A teacher whose current result in a round of `year` open to their school passed (as
    EXISTS on the teacher: a list of who has not passed is an anti-join, not a subquery run per
    teacher)."""
    mine = _passing(year).subquery()
    return (
        select(mine.c.teacher_id)
        .where(mine.c.teacher_id == Teacher.id, _open_to(mine.c.round_school))
        .exists()
    )


def pass_counts(
    year: int, on: date, schools: Collection[int] | None = None
) -> dict[int, tuple[int, int]]:
    """{school: (passed, were to take it)} for the schools with a round in `year`: the teachers
    of the base joined to the passing results once (a hash join at a nation's size)."""
    if schools is None:
        schools = [s for (s,) in db.session.execute(select(Teacher.school_id).distinct())]
    base_of = bases(year, schools)
    ok = _passing(year).subquery()
    out: dict[int, tuple[int, int]] = {}
    for kind in ("professional", IN_POST):
        ids = [s for s, k in base_of.items() if k == kind]
        if not ids:
            continue
        rows = db.session.execute(
            select(
                Teacher.school_id,
                func.count(distinct(Teacher.id)),
                func.count(distinct(ok.c.teacher_id)),
            )
            .outerjoin(ok, and_(ok.c.teacher_id == Teacher.id, _open_to(ok.c.round_school)))
            .where(and_(Teacher.school_id.in_(ids), _base(kind, on)))
            .group_by(Teacher.school_id)
        )
        for school, total, done in rows:
            out[int(school)] = (int(done), int(total))
    return out


def not_passed(year: int, on: date, schools: Collection[int]):  # type: ignore[no-untyped-def]
    """The teachers behind the gap: of those who were to take the year's round, who has not
    passed (no result yet, or a result below the line), by school and staff number."""
    conditions = [
        and_(among(Teacher.school_id, [s for s, k in bases(year, schools).items() if k == kind]),
             _base(kind, on))
        for kind in ("professional", IN_POST)
    ]  # fmt: skip
    return (
        select(Teacher)
        .where(or_(*conditions), ~passed(year))
        .order_by(Teacher.school_id, Teacher.staff_no)
    )


def latest_totals(teacher_ids: list[int], year: int) -> dict[int, tuple[Any, bool]]:
    """Each teacher's current result of `year`: (total, passed)."""
    if not teacher_ids:
        return {}
    rows = db.session.execute(
        select(LiteracyResult.teacher_id, LiteracyResult.total, LiteracyResult.passed)
        .join(LiteracyRound, LiteracyResult.round_id == LiteracyRound.id)
        .where(
            LiteracyResult.teacher_id.in_(teacher_ids),
            LiteracyResult.current.is_(True),
            LiteracyRound.year == year,
        )
    )
    return {t: (total, ok) for t, total, ok in rows}

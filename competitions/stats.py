"""Medal tables and the participation rate, in SQL.

Participation (十四: ≥ 40%): distinct teachers and distinct students in any entry of a year's
competitions ÷ (active teachers + enrolled students of those schools that year). A person
counts once however many entries they have.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import case, distinct, func, literal, select, union_all

from core.extensions import db
from core.models import School, SchoolEnrollment
from core.timeutil import today
from teachers.models import Teacher
from teachers.queries import in_post_on

from .models import Competition, Entry, EntryPerson, Event, Student


def medal_table(competition: Competition, by: str = "school") -> list[tuple[int, dict[str, int]]]:
    """[(school or county id, {award: count, "total": n})] ordered best first."""
    key = Entry.school_id if by == "school" else School.county_id
    awards = competition.awards
    columns = [func.sum(case((Entry.award == a, 1), else_=0)).label(a) for a in awards]
    query = (
        select(key, *columns, func.count(Entry.award).label("total"))
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id, Entry.award.is_not(None))
        .group_by(key)
        .order_by(
            *[func.sum(case((Entry.award == a, 1), else_=0)).desc() for a in awards],
            func.count(Entry.award).desc(),
            key,  # ties in a stable order: the table is shown in parts and in pages
        )
    )
    if by != "school":
        query = query.join(School, Entry.school_id == School.id)
    rows = db.session.execute(query).all()
    return [
        (row[0], {a: int(row[i + 1]) for i, a in enumerate(awards)} | {"total": int(row[-1])})
        for row in rows
    ]


@dataclass(frozen=True)
class Participation:
    teachers: int
    students: int
    active_teachers: int
    enrolled_students: int

    @property
    def rate(self) -> Decimal:
        base = self.active_teachers + self.enrolled_students
        return (
            (Decimal(self.teachers + self.students) / base).quantize(Decimal("0.0001"))
            if base
            else Decimal(0)
        )


def participation(
    year: int, by: str = "city", schools: Collection[int] | None = None
) -> dict[object, Participation]:
    """Per school id, county id or "city": participants of `year` over its teachers and students
    (of `schools` only, when given).

    Each person belongs to one school, so people are counted once per school (through the event
    each person row names) and the schools' counts add up to the county's and the city's."""
    events = select(Event.id).join(Competition, Event.competition_id == Competition.id)
    events = events.where(Competition.year == year)

    def per_school(kind: str, query, school_id):  # type: ignore[no-untyped-def]
        if schools is not None:
            query = query.where(school_id.in_(schools))
        return query.add_columns(literal(kind).label("kind")).group_by(school_id)

    def taking_part(kind: str, person: Any, person_id: Any):  # type: ignore[no-untyped-def]
        """Distinct teachers (or students) in the year's events, per school."""
        return per_school(
            kind,
            select(person.school_id, func.count(distinct(person_id)))
            .join(person, person_id == person.id)
            .where(EntryPerson.event_id.in_(events)),
            person.school_id,
        )

    # One statement for the four counts (one round trip, as a hand-written query would be).
    parts = union_all(
        taking_part("t", Teacher, EntryPerson.teacher_id),
        taking_part("s", Student, EntryPerson.student_id),
        # The base: every teacher in post on the year's last day (today, for the year under way).
        per_school(
            "a",
            select(Teacher.school_id, func.count()).where(
                in_post_on(min(date(year, 12, 31), today()))
            ),
            Teacher.school_id,
        ),
        per_school(
            "e",
            select(SchoolEnrollment.school_id, func.sum(SchoolEnrollment.students)).where(
                SchoolEnrollment.year == year
            ),
            SchoolEnrollment.school_id,
        ),
    )
    found: dict[str, dict[int, int]] = {"t": {}, "s": {}, "a": {}, "e": {}}
    for school, n, kind in db.session.execute(parts):
        found[kind][school] = int(n or 0)
    teachers_in, students_in, teachers_of, enrolled = (found[k] for k in "tsae")
    schools = set(teachers_in) | set(students_in) | set(teachers_of) | set(enrolled)
    if by == "school":
        key_of = {s: s for s in schools}
    elif by == "county":
        key_of = dict(
            db.session.execute(
                select(School.id, School.county_id).where(School.id.in_(schools))
            ).all()
        )
    else:
        key_of = {s: "city" for s in schools}
    totals: dict[object, list[int]] = {}
    for school in schools:
        row = totals.setdefault(key_of[school], [0, 0, 0, 0])
        row[0] += int(teachers_in.get(school, 0))
        row[1] += int(students_in.get(school, 0))
        row[2] += int(teachers_of.get(school, 0))
        row[3] += int(enrolled.get(school, 0) or 0)
    return {key: Participation(*row) for key, row in totals.items()}

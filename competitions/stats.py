"""Medal tables and the participation rate, in SQL.

Participation (十四: ≥ 40%): distinct teachers and distinct students in any entry of a year's
competitions ÷ (active teachers + enrolled students of those schools that year). A person
counts once however many entries they have.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import case, func, literal, select, union_all

from core.extensions import db
from core.models import School, SchoolEnrollment
from teachers.models import Teacher, TeacherStatus

from .models import Competition, Entry, EntryPerson, Event, Student


def medal_table(competition: Competition, by: str = "school") -> list[tuple[int, dict[str, int]]]:
    """[(school or county id, {award: count, "total": n})] ordered best first."""
    key = Entry.school_id if by == "school" else School.county_id
    awards = competition.awards
    columns = [func.sum(case((Entry.award == a, 1), else_=0)).label(a) for a in awards]
    rows = db.session.execute(
        select(key, *columns, func.count(Entry.award).label("total"))
        .join(Event, Entry.event_id == Event.id)
        .join(School, Entry.school_id == School.id)
        .where(Event.competition_id == competition.id, Entry.award.is_not(None))
        .group_by(key)
        .order_by(*[func.sum(case((Entry.award == a, 1), else_=0)).desc() for a in awards])
    ).all()
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


def participation(year: int, by: str = "city") -> dict[object, Participation]:
    """Per school id, county id or "city": participants of `year` over its teachers and students."""
    group_of = {"school": School.id, "county": School.county_id, "city": literal("city")}[by]
    people = union_all(
        select(
            EntryPerson.teacher_id.label("pid"),
            literal("t").label("kind"),
            Teacher.school_id.label("school_id"),
        )
        .join(Teacher, EntryPerson.teacher_id == Teacher.id)
        .join(Entry, EntryPerson.entry_id == Entry.id)
        .join(Event, Entry.event_id == Event.id)
        .join(Competition, Event.competition_id == Competition.id)
        .where(Competition.year == year),
        select(EntryPerson.student_id, literal("s"), Student.school_id)
        .join(Student, EntryPerson.student_id == Student.id)
        .join(Entry, EntryPerson.entry_id == Entry.id)
        .join(Event, Entry.event_id == Event.id)
        .join(Competition, Event.competition_id == Competition.id)
        .where(Competition.year == year),
    ).subquery()
    distinct_people = select(people.c.pid, people.c.kind, people.c.school_id).distinct().subquery()
    counted = (
        select(
            group_of.label("g"),
            func.count().filter(distinct_people.c.kind == "t"),
            func.count().filter(distinct_people.c.kind == "s"),
        )
        .select_from(distinct_people)
        .join(School, School.id == distinct_people.c.school_id)
        .group_by(group_of)
    )
    teachers = (
        select(group_of.label("g"), func.count(Teacher.id))
        .join(School, Teacher.school_id == School.id)
        .where(Teacher.status == TeacherStatus.ACTIVE)
        .group_by(group_of)
    )
    students = (
        select(group_of.label("g"), func.sum(SchoolEnrollment.students))
        .join(School, SchoolEnrollment.school_id == School.id)
        .where(SchoolEnrollment.year == year)
        .group_by(group_of)
    )
    base_t = dict(db.session.execute(teachers).all())
    base_s = dict(db.session.execute(students).all())
    found = {g: (t, s) for g, t, s in db.session.execute(counted).all()}
    return {
        g: Participation(
            int(found.get(g, (0, 0))[0]),
            int(found.get(g, (0, 0))[1]),
            int(base_t.get(g, 0)),
            int(base_s.get(g, 0) or 0),
        )
        for g in set(base_t) | set(base_s) | set(found)
    }

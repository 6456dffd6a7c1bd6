"""Competitions by import: the results of past competitions, and the entries of an open one.

- `results`: one row per entry of a past competition — the competition (name, year, series,
  level), the event, the school, the people by staff number (students as 学号:姓名) and the
  award. A competition seen for the first time comes in published, as it was; its awards count
  in the figures. D-class recognitions earned by them are imported as held (`d_class`), not
  proposed again.
- `entries`: registrations of an open competition in bulk, each under every rule of a
  registration made on the page (`services.register_entry`: the school's teachers in post, the
  event's size and quota, nobody twice in one event): the file is tried whole in a savepoint,
  then rolled back, so the preview states exactly what the confirmation will do.
An entry is known by competition + event + school + its people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.errors import ServiceError, ValidationFailed
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import School, User
from core.org import school_by_code
from core.timeutil import today, utcnow
from teachers.models import Teacher

from .labels import AWARD, LEVEL, SERIES
from .models import (
    AWARDS,
    Competition,
    CompetitionStatus,
    Entry,
    EntryPerson,
    Event,
    Scheme,
    Student,
)
from .services import EntryPeople, is_organizer, register_entry

STUDENT = re.compile(r"^([^:：]+)[:：](.+)$")


def _people(ctx: Context, row: Row, school: School) -> tuple[EntryPeople, tuple] | None:
    """The row's people as an entry takes them, and the key that identifies them."""
    found: dict[str, list[int]] = {"members": [], "instructors": []}
    for column in ("members", "instructors"):
        for number in imports.listed(row[column]):
            teacher_id = db.session.scalar(
                select(Teacher.id).where(Teacher.school_id == school.id, Teacher.staff_no == number)
            )
            if teacher_id is None:
                ctx.error(row, column, _("No teacher of %(school)s has the staff number %(no)s.",
                                         school=school.name, no=number))  # fmt: skip
                return None
            found[column].append(teacher_id)
    students = []
    for part in imports.listed(row["students"]):
        if not part:
            continue
        match = STUDENT.match(part)
        if match is None:
            ctx.error(row, "students", _("Write each student as 学号:姓名, e.g. 2301001:王小明."))
            return None
        students.append((match.group(1).strip(), match.group(2).strip()))
    if not (found["members"] or students):
        ctx.error(row, "members", _("Give the entry's members (teachers or students)."))
        return None
    people = EntryPeople(found["members"], students, found["instructors"])
    key = (tuple(sorted(found["members"])), tuple(sorted(n for n, _name in students)))
    return people, key


def _entry_key(entry: Entry) -> tuple:
    members = sorted(p.teacher_id for p in entry.members if p.teacher_id)
    students = sorted(p.student.student_no for p in entry.members if p.student)
    return (tuple(members), tuple(students))


def _school(ctx: Context, row: Row) -> School | None:
    school = school_by_code(row["school"])
    if school is None:
        ctx.error(row, "school", _("No school has this code."))
    return school


# --- past results ----------------------------------------------------------------------------


def _scheme(award: str | None) -> Scheme:
    return Scheme.MEDALS if award in AWARDS[Scheme.MEDALS] else Scheme.PRIZES


def _results_plan(rows: list[Row], ctx: Context) -> list[Planned]:
    planned = []
    seen_schemes: dict[tuple[str, int], Scheme] = {}
    for row in rows:
        school = _school(ctx, row)
        if school is None:
            continue
        if not 2000 <= row["year"] <= today().year:
            ctx.error(row, "year", _("Write a year from 2000 to %(year)d.", year=today().year))
            continue
        key = (row["competition"], row["year"])
        competition = db.session.scalar(
            select(Competition).where(Competition.name == key[0], Competition.year == key[1])
        )
        if competition is not None and imports.provenance(competition) is None:
            ctx.error(row, "competition", _("This competition is run in Shuangshi: record its "
                                            "results on its page."))  # fmt: skip
            continue
        scheme = Scheme(competition.scheme) if competition else _scheme(row["award"])
        if row["award"] and row["award"] not in AWARDS[seen_schemes.setdefault(key, scheme)]:
            allowed = "、".join(str(AWARD[a]) for a in AWARDS[seen_schemes[key]])
            message = _("One competition awards either prizes or medals: this one awards "
                        "%(list)s.", list=allowed)  # fmt: skip
            ctx.error(row, "award", message)
            continue
        found = _people(ctx, row, school)
        if found is None:
            continue
        people, people_key = found
        entry = _past_entry(competition, row, school, people_key) if competition else None
        result = (row["award"], row.values.get("rank"), row.values.get("score"))
        if entry is not None:
            changes = imports.changed(entry, dict(zip(("award", "rank", "score"), result,
                                                      strict=True)))  # fmt: skip
            if not changes:
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue
            planned.append(Planned(row.number, imports.UPDATE, _set_result(entry, result),
                                   changes))  # fmt: skip
            continue
        planned.append(Planned(row.number, imports.CREATE,
                               _add_past_entry(row, school, people, result)))  # fmt: skip
    return planned


def _past_entry(competition: Competition, row: Row, school: School, key: tuple) -> Entry | None:
    for entry in db.session.scalars(
        select(Entry)
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id, Event.name == row["event"],
               Event.group == (row["group"] or ""), Entry.school_id == school.id)
    ):  # fmt: skip
        if _entry_key(entry) == key:
            return entry
    return None


def _set_result(entry: Entry, result: tuple) -> Any:
    def write(ctx: Context) -> None:
        entry.award, entry.rank, entry.score = result
        entry.result_recorded_at = utcnow()
        ctx.updated(entry)

    return write


def _add_past_entry(row: Row, school: School, people: EntryPeople, result: tuple) -> Any:
    def write(ctx: Context) -> None:
        competition = db.session.scalar(
            select(Competition).where(
                Competition.name == row["competition"], Competition.year == row["year"]
            )
        )
        if competition is None:
            competition = ctx.created(
                Competition(name=row["competition"], year=row["year"], series=row["series"],
                            level=row["level"], organizing_body=row["organizer"] or "",
                            scheme=_scheme(row["award"]), status=CompetitionStatus.PUBLISHED,
                            published_at=utcnow(), mask_student_names=True,
                            created_by_id=ctx.by.id)
            )  # fmt: skip
            db.session.flush()  # its id, for the event
        group = row["group"] or ""
        event = db.session.scalar(
            select(Event).where(Event.competition_id == competition.id,
                                Event.name == row["event"], Event.group == group)
        )  # fmt: skip
        size = len(people.teachers) + len(people.students)
        if event is None:
            event = Event(competition_id=competition.id, name=row["event"], group=group,
                          team=size > 1, min_members=1, max_members=max(size, 1),
                          max_instructors=max(len(people.instructors), 1))  # fmt: skip
            db.session.add(event)
            db.session.flush()
        event.max_members = max(event.max_members, size)
        event.team = event.max_members > 1
        event.max_instructors = max(event.max_instructors, len(people.instructors))
        award, rank, score = result
        entry = ctx.created(
            Entry(event_id=event.id, school_id=school.id, award=award, rank=rank, score=score,
                  result_recorded_at=utcnow(), created_by_id=ctx.by.id)
        )  # fmt: skip
        db.session.flush()  # its id, for its people
        for role, ids in (("member", people.teachers), ("instructor", people.instructors)):
            for teacher_id in ids:
                db.session.add(EntryPerson(entry_id=entry.id, event_id=event.id, role=role,
                                           teacher_id=teacher_id))  # fmt: skip
        for number, name in people.students:
            student = db.session.scalar(
                select(Student).where(Student.school_id == school.id, Student.student_no == number)
            ) or Student(school_id=school.id, student_no=number, name=name)
            db.session.add(student)
            db.session.flush()
            db.session.add(EntryPerson(entry_id=entry.id, event_id=event.id, role="member",
                                       student_id=student.id))  # fmt: skip
        db.session.flush()

    return write


def _levels_as_written() -> dict[str, str]:
    """市级, 省级, 国家级 …: the level as competition notices write it."""
    return {f"{label}级": code for label, code in imports.zh_labels(LEVEL).items()}


def _awards() -> dict[str, str]:
    return imports.zh_labels(AWARD)


def _entry_rows(_user: User | None, competitions: Any) -> Iterable[list[Any]]:
    series = {c: label for label, c in imports.zh_labels(SERIES).items()}
    levels = {c: label for label, c in imports.zh_labels(LEVEL).items()}
    awards = {c: label for label, c in _awards().items()}
    query = (
        select(Entry, Event, Competition)
        .join(Event, Entry.event_id == Event.id)
        .join(Competition, Event.competition_id == Competition.id)
        .where(competitions)
        .order_by(Competition.year, Competition.name, Event.id, Entry.id)
    )
    for entry, event, c in db.session.execute(query):
        members = [p for p in entry.members]
        yield [c.year, c.name, series.get(c.series, ""), levels.get(c.level, ""),
               c.organizing_body, event.name, event.group, entry.school.code,
               "、".join(p.teacher.staff_no for p in members if p.teacher),
               "、".join(f"{p.student.student_no}:{p.student.name}" for p in members
                        if p.student),
               "、".join(p.teacher.staff_no for p in entry.instructors if p.teacher),
               awards.get(entry.award or "", ""), entry.rank, entry.score]  # fmt: skip


def _open_entry_rows() -> Iterable[list[Any]]:
    """The entries of the competitions taking entries, in the entries sheet's columns."""
    for row in _entry_rows(
        None, Competition.status.in_([CompetitionStatus.OPEN, CompetitionStatus.DRAFT])
    ):
        year, name = row[0], row[1]
        label = name if str(year) in name else f"{year} {name}"
        yield [label, *row[5:11]]


PEOPLE_COLUMNS = [
    Column("学校代码", "school", required=True, width=10, key=True),
    Column("参赛教师工号", "members", width=20, key=True, note="多人用顿号分隔"),
    Column("参赛学生(学号:姓名)", "students", width=28, key=True,
           note="如 2301001:王小明、2301002:李小红"),
    Column("指导教师工号", "instructors", width=16, note="多人用顿号分隔"),
]  # fmt: skip

RESULTS = imports.Kind(
    key="results",
    label=_l("Past competition results"),
    sheet="历年赛事成绩",
    columns=[
        Column("年度", "year", "int", required=True, width=8, key=True),
        Column("赛事名称", "competition", required=True, width=30, key=True),
        Column(
            "赛事类别",
            "series",
            "choice",
            required=True,
            width=14,
            choices=lambda: imports.zh_labels(SERIES),
        ),
        Column(
            "级别",
            "level",
            "choice",
            required=True,
            width=8,
            choices=lambda: imports.zh_labels(LEVEL),
            aliases=_levels_as_written,
        ),
        Column("主办单位", "organizer", width=20),
        Column("赛项", "event", required=True, width=20, key=True),
        Column("组别", "group", width=10, key=True),
        *PEOPLE_COLUMNS,
        Column("奖项", "award", "choice", width=10, choices=_awards, note="未获奖留空"),
        Column("名次", "rank", "int", width=6),
        Column("成绩", "score", "decimal", width=8),
    ],  # fmt: skip
    plan=_results_plan,
    may_import=is_organizer,
    example=[
        2024,
        "2024年浙江省职业院校技能大赛",
        "学生技能大赛",
        "省级",
        "浙江省教育厅",
        "工业机器人技术应用",
        "中职组",
        "WZ001",
        "",
        "2301001:王小明、2301002:李小红",
        "T2024001",
        "一等奖",
        2,
        92.5,
    ],  # fmt: skip
    export=lambda user, _school: _entry_rows(
        user, Competition.status == CompetitionStatus.PUBLISHED
    ),
    order=80,
)


# --- entries of an open competition --------------------------------------------------------------


def _open_competitions() -> dict[str, str]:
    """The competitions taking entries, as the sheet names them (name → id)."""
    return {
        str(c): str(c.id)
        for c in db.session.scalars(
            select(Competition).where(
                Competition.status.in_([CompetitionStatus.OPEN, CompetitionStatus.DRAFT])
            )
        )
    }


def _entries_plan(rows: list[Row], ctx: Context) -> list[Planned]:
    planned = []
    tried: list[tuple[Row, Event, School, EntryPeople]] = []
    for row in rows:
        school = _school(ctx, row)
        if school is None:
            continue
        competition = db.session.get(Competition, int(row["competition"]))
        event = db.session.scalar(
            select(Event).where(Event.competition_id == competition.id,  # type: ignore[union-attr]
                                Event.name == row["event"], Event.group == (row["group"] or ""))
        )  # fmt: skip
        if event is None:
            names = "、".join(str(e) for e in competition.events)  # type: ignore[union-attr]
            ctx.error(row, "event", _("This competition has no such event: %(list)s.",
                                      list=names))  # fmt: skip
            continue
        found = _people(ctx, row, school)
        if found is None:
            continue
        people, key = found
        same_school = select(Entry).where(Entry.event_id == event.id, Entry.school_id == school.id)
        if any(_entry_key(e) == key for e in db.session.scalars(same_school)):
            planned.append(Planned(row.number, imports.UNCHANGED))
            continue
        tried.append((row, event, school, people))
    # Register the whole file in a savepoint under the page's rules, then undo it: each row's
    # refusal is what the confirmation would meet, earlier rows of the file included.
    savepoint = db.session.begin_nested()
    try:
        for row, event, school, people in tried:
            try:
                with db.session.begin_nested():
                    register_entry(event, school, people, ctx.by)
            except ValidationFailed as err:
                ctx.refused(row, err)
            except ServiceError as err:
                ctx.error(row, "competition", err.message)
    finally:
        savepoint.rollback()
    for row, event, school, people in tried:
        planned.append(Planned(row.number, imports.CREATE, _register(event, school, people)))
    return planned


def _register(event: Event, school: School, people: EntryPeople) -> Any:
    def write(ctx: Context) -> None:
        ctx.mark(register_entry(event, school, people, ctx.by))

    return write


ENTRIES = imports.Kind(
    key="entries",
    label=_l("Entries of an open competition"),
    sheet="赛事报名",
    columns=[
        Column(
            "赛事",
            "competition",
            "choice",
            required=True,
            width=30,
            key=True,
            choices=_open_competitions,
            note="正在报名的赛事",
        ),
        Column("赛项", "event", required=True, width=20, key=True),
        Column("组别", "group", width=10, key=True),
        *PEOPLE_COLUMNS,
    ],  # fmt: skip
    plan=_entries_plan,
    may_import=is_organizer,
    example=[
        "2026年温州市职业院校技能大赛",
        "工业机器人技术应用",
        "中职组",
        "WZ001",
        "",
        "2301001:王小明、2301002:李小红",
        "T2024001",
    ],  # fmt: skip
    export=lambda user, _school: _open_entry_rows(),
    order=85,
)

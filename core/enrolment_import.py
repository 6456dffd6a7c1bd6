"""Enrolment (在校生数) per school and school year as an import kind: the denominator of the
participation rates, for every year the city's history covers. A row is known by school code and
year; a school outside the importer's scope is refused."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import imports
from .errors import ValidationFailed
from .extensions import db
from .imports import Column, Context, Planned, Row
from .models import School, SchoolEnrollment, User
from .org import set_enrollment
from .permissions import school_scope


def plan(rows: list[Row], ctx: Context) -> list[Planned]:
    schools = {s.code: s for s in imports.schools_in_scope(ctx.by)}
    planned = []
    for row in rows:
        school = schools.get(row["school"])
        if school is None:
            ctx.error(row, "school", _("No school of yours has this code."))
            continue
        year, students = row["year"], row["students"]
        if not 2000 <= year <= 2100:
            ctx.error(row, "year", _("Enter a school year such as 2025."))
            continue
        if not 0 <= students <= 200_000:
            ctx.error(row, "students", _("Enter a number of students between 0 and 200,000."))
            continue
        current = db.session.scalar(
            select(SchoolEnrollment.students).where(
                SchoolEnrollment.school_id == school.id, SchoolEnrollment.year == year
            )
        )
        if current == students:
            planned.append(Planned(row.number, imports.UNCHANGED))
            continue

        def write(ctx: Context, s: School = school, y: int = year, n: int = students) -> None:
            try:
                set_enrollment(s, y, n, ctx.by)
            except ValidationFailed as err:  # pragma: no cover - checked above
                raise RuntimeError(err.message) from err

        action = imports.CREATE if current is None else imports.UPDATE
        changes = {"students": (current, students)} if current is not None else {}
        planned.append(Planned(row.number, action, write, changes))
    return planned


def _export(user: User, _school: School | None) -> Iterable[list[Any]]:
    query = (
        select(School.code, School.name, SchoolEnrollment.year, SchoolEnrollment.students)
        .join(School, SchoolEnrollment.school_id == School.id)
        .where(school_scope(user, School.id))
        .order_by(School.code, SchoolEnrollment.year)
    )
    yield from ([code, name, year, n] for code, name, year, n in db.session.execute(query))


ENROLMENT = imports.Kind(
    key="enrolment",
    label=_l("Enrolment per school year"),
    sheet="在校生数",
    columns=[
        Column("学校代码", "school", required=True, width=12, key=True),
        Column("学校名称", "school_name", width=28, note="仅供核对，不导入"),
        Column(
            "学年",
            "year",
            "int",
            required=True,
            width=8,
            key=True,
            note="学年开始的年份，如 2024 表示 2024—2025 学年",
        ),
        Column("在校生数", "students", "int", required=True, width=10),
    ],  # fmt: skip
    plan=plan,
    may_import=imports.records_keeper,
    example=["WZ001", "温州市职业中等专业学校", 2024, 5200],
    export=_export,
    order=15,
)

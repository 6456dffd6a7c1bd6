"""A round's results from the assessment's Excel sheet, as an import kind: one row per teacher
(staff number, name to check, the five scores), in a round open to the school, known by round +
staff number. The same scores again change nothing; different ones are a retake."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from core import imports
from core.errors import ValidationFailed
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import School

from ..models import Teacher
from ..roster import row_teacher
from . import services
from .models import DIMENSIONS, LiteracyResult, LiteracyRound

# The sheet's headers, as the standard names the dimensions (sheets are Chinese).
HEADERS = {"awareness": "数字化意识", "skills": "数字技术知识与技能", "application": "数字化应用",
           "responsibility": "数字社会责任", "development": "专业发展"}  # fmt: skip


def _rounds(school: School | None) -> dict[str, str]:
    """The rounds a school's results go to, as the drop-down offers them ("2026 年度测评")."""
    query = select(LiteracyRound).order_by(LiteracyRound.year.desc(), LiteracyRound.id.desc())
    if school is not None:
        query = query.where(
            or_(LiteracyRound.school_id.is_(None), LiteracyRound.school_id == school.id)
        )
    return {
        (str(r) if r.school is None else f"{r}（{r.school.name}）"): str(r.id)
        for r in db.session.scalars(query)
    }


def _columns() -> list[Column]:
    return [
        Column("测评", "round", "choice", required=True, width=20, key=True,
               choices=lambda: _rounds(None), note="本校或全市开展的数字素养测评"),
        Column("工号", "staff_no", required=True, width=12, key=True),
        Column("姓名", "name", width=10, note="用于核对：与工号对应的教师姓名不符时报错"),
        *(Column(HEADERS[d], d, "decimal", required=True, width=16) for d in DIMENSIONS),
    ]  # fmt: skip


def _plan(rows: list[Row], ctx: Context) -> list[Planned]:
    school = ctx.school
    assert school is not None
    # Read once for the file, not per row: the rounds open to the school, its teachers, and the
    # current results of both.
    rounds = {
        str(r.id): r
        for r in db.session.scalars(
            select(LiteracyRound).where(
                or_(LiteracyRound.school_id.is_(None), LiteracyRound.school_id == school.id)
            )
        )
    }
    teachers = {
        t.staff_no: t
        for t in db.session.scalars(select(Teacher).where(Teacher.school_id == school.id))
    }
    current_of = {
        (r.round_id, r.teacher_id): r
        for r in db.session.scalars(
            select(LiteracyResult).where(
                LiteracyResult.current.is_(True),
                LiteracyResult.round_id.in_([r.id for r in rounds.values()]),
                LiteracyResult.teacher_id.in_([t.id for t in teachers.values()]),
            )
        )
    }
    planned = []
    for row in rows:
        round_ = rounds.get(row["round"])
        if round_ is None:
            ctx.error(row, "round", _("This round is not open to %(school)s.", school=school.name))
            continue
        teacher = row_teacher(ctx, row, teachers.get(row["staff_no"]))
        if teacher is None:
            continue
        try:
            scores = services.typed_scores(row.values, round_.maxima)
        except ValidationFailed as err:  # each dimension's message
            ctx.refused(row, err)
            continue
        current = current_of.get((round_.id, teacher.id))
        if current is not None and current.scores == {d: float(v) for d, v in scores.items()}:
            planned.append(Planned(row.number, imports.UNCHANGED))
            continue

        def write(ctx: Context, round_: Any = round_, teacher: Any = teacher,
                  scores: Any = scores) -> None:  # fmt: skip
            result = services.record(round_, teacher, dict(scores), ctx.by)
            if result is not None:
                ctx.mark(result)

        action = imports.CREATE if current is None else imports.UPDATE
        changes = {} if current is None else imports.changed(SimpleNamespace(**current.scores),
                                                             scores)  # fmt: skip
        planned.append(Planned(row.number, action, write, changes))
    return planned


RESULTS = imports.Kind(
    key="literacy",
    label=_l("Digital literacy results"),
    sheet="数字素养测评",
    columns=_columns(),
    plan=_plan,
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=["2026 年度测评", "T2024001", "张晓明", 16, 15, 17, 14, 15],
    notes=[
        ("满分", "每个维度满分 20 分，合计 100 分；再次导入不同分数视为补考，保留历史成绩。")
    ],  # fmt: skip
    order=70,
)

"""Recognitions already held, and the yearly ethics results, as import kinds.

- `dual_qualified`: 双师型 recognitions the province granted (tier, date, certificate number,
  recheck date); they count in the ratio from their date to their recheck date.
- `d_class`: D-class talent recognitions held (class, date, certificate number, the award).
- `ethics`: a year's 师德 results; a failure revokes the teacher's dual-qualified recognition as
  when HR records it on the page (the veto is a rule, not a step of the past).
A recognition is known by its certificate number; an ethics result by staff number and year.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.errors import ServiceError
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import Role, School, User
from core.permissions import school_scope
from core.rules import get_rule
from core.timeutil import today, years_later
from teachers.models import Teacher
from teachers.roster import row_teacher

from . import labels
from .models import EthicsResult, Kind, Recognition, Status
from .services import record_ethics

DUAL_TIERS = ("junior", "intermediate", "senior")


def _tiers(codes: tuple[str, ...]) -> Any:
    return lambda: imports.zh_labels({c: labels.TIER[c] for c in codes})


def _recognition_plan(kind: Kind, rows: list[Row], ctx: Context) -> list[Planned]:
    planned = []
    for row in rows:
        teacher = row_teacher(ctx, row)
        if teacher is None or not imports.not_future(ctx, row, "confirmed_on"):
            continue
        confirmed, recheck = row["confirmed_on"], row.values.get("recheck_due")
        if kind == Kind.DUAL_QUALIFIED and recheck is None:
            recheck = years_later(confirmed, get_rule("dual_qualified_recheck_years", confirmed))
        if recheck is not None and recheck <= confirmed:
            ctx.error(row, "recheck_due", _("The recheck date must be after the recognition date."))
            continue
        values = {"tier": row["tier"], "confirmed_on": confirmed, "recheck_due": recheck,
                  "basis": row.values.get("basis") or ""}  # fmt: skip
        existing = db.session.scalar(
            select(Recognition).where(Recognition.certificate_no == row["certificate_no"])
        )
        if existing is not None:
            if existing.teacher_id != teacher.id or existing.kind != kind:
                message = _("This certificate number belongs to another recognition (%(other)s).",
                            other=existing)  # fmt: skip
                ctx.error(row, "certificate_no", message)
                continue
            if imports.provenance(existing) is None:
                ctx.error(row, "certificate_no", _("This recognition was issued in Shuangshi: it "
                                                   "is not changed by import."))  # fmt: skip
                continue
            changes = imports.changed(existing, values)
            if not changes:
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue
            planned.append(Planned(row.number, imports.UPDATE, _update(existing, values), changes))
            continue
        planned.append(Planned(row.number, imports.CREATE,
                               _create(kind, teacher, row["certificate_no"], values)))  # fmt: skip
    return planned


def _create(kind: Kind, teacher: Teacher, number: str, values: dict[str, Any]) -> Any:
    def write(ctx: Context) -> Recognition:
        return ctx.created(
            Recognition(kind=kind, teacher_id=teacher.id, status=Status.CONFIRMED,
                        certificate_no=number, decided_by_id=ctx.by.id,
                        decision_note=_("Imported: recognised before Shuangshi"), **values),
            school_id=teacher.school_id,
        )  # fmt: skip

    return write


def _update(existing: Recognition, values: dict[str, Any]) -> Any:
    def write(ctx: Context) -> None:
        for key, value in values.items():
            setattr(existing, key, value)
        ctx.updated(existing)

    return write


def _recognition_export(kind: Kind, with_recheck: bool) -> Any:
    def export(user: User, school: School | None) -> Iterable[list[Any]]:
        tiers = {code: label for label, code in imports.zh_labels(labels.TIER).items()}
        query = (
            select(Recognition, Teacher)
            .join(Teacher, Recognition.teacher_id == Teacher.id)
            .where(Recognition.kind == kind, Recognition.status == Status.CONFIRMED,
                   school_scope(user, Teacher.school_id))
            .order_by(Teacher.staff_no, Recognition.confirmed_on)
        )  # fmt: skip
        if school is not None:
            query = query.where(Teacher.school_id == school.id)
        for r, t in db.session.execute(query):
            row = [t.staff_no, t.name, tiers.get(r.tier, r.tier), r.confirmed_on, r.certificate_no]
            yield row + ([r.recheck_due] if with_recheck else []) + [r.basis]

    return export


DUAL = imports.Kind(
    key="dual_qualified",
    label=_l("Dual-qualified recognitions held"),
    sheet="双师型认定",
    columns=[
        Column("工号", "staff_no", required=True, width=12),
        Column("姓名", "name", width=10),
        Column("等级", "tier", "choice", required=True, width=10, choices=_tiers(DUAL_TIERS)),
        Column("认定日期", "confirmed_on", "date", required=True, width=12),
        Column("证书编号", "certificate_no", required=True, width=20, key=True),
        Column("复核日期", "recheck_due", "date", width=12, note="不填时按认定日期加复核年限计算"),
        Column("认定机关/备注", "basis", width=30),
    ],  # fmt: skip
    plan=lambda rows, ctx: _recognition_plan(Kind.DUAL_QUALIFIED, rows, ctx),
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=[
        "T2024001",
        "张晓明",
        "中级",
        "2022-12-20",
        "ZJSS2022000123",
        "2027-12-20",
        "浙江省教育厅",
    ],  # fmt: skip
    export=_recognition_export(Kind.DUAL_QUALIFIED, with_recheck=True),
    order=30,
)

D_CLASS = imports.Kind(
    key="d_class",
    label=_l("D-class talent recognitions held"),
    sheet="D类人才认定",
    columns=[
        Column("工号", "staff_no", required=True, width=12),
        Column("姓名", "name", width=10),
        Column(
            "类别",
            "tier",
            "choice",
            required=True,
            width=8,
            choices=lambda: {"D类": "D", "E类": "E", "D": "D", "E": "E"},
        ),
        Column("认定日期", "confirmed_on", "date", required=True, width=12),
        Column("证书编号", "certificate_no", required=True, width=20, key=True),
        Column("依据（赛事及奖项）", "basis", required=True, width=40),
    ],  # fmt: skip
    plan=lambda rows, ctx: _recognition_plan(Kind.D_CLASS, rows, ctx),
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=[
        "T2024001",
        "张晓明",
        "D类",
        "2024-03-15",
        "WZD2024000012",
        "2023年全国职业院校技能大赛 教师组 一等奖",
    ],  # fmt: skip
    export=_recognition_export(Kind.D_CLASS, with_recheck=False),
    order=40,
)


# --- ethics (师德) ----------------------------------------------------------------------------


def _ethics_plan(rows: list[Row], ctx: Context) -> list[Planned]:
    planned = []
    this_year = today().year
    for row in rows:
        teacher = row_teacher(ctx, row)
        if teacher is None:
            continue
        year, passed, until = row["year"], row["passed"] == "pass", row.values.get("penalty_until")
        if not 2000 <= year <= this_year:
            ctx.error(row, "year", _("Write a year from 2000 to %(year)d.", year=this_year))
            continue
        if not passed and until is None:
            ctx.error(row, "penalty_until", _("Give the end of the penalty period."))
            continue
        note = row.values.get("note") or ""
        existing = db.session.scalar(
            select(EthicsResult).where(
                EthicsResult.teacher_id == teacher.id, EthicsResult.year == year
            )
        )
        changes = {}
        if existing is not None:
            was = "pass" if existing.passed else "fail"
            now = SimpleNamespace(passed=was, penalty_until=existing.penalty_until,
                                  note=existing.note)  # fmt: skip
            changes = imports.changed(now, {
                "passed": row["passed"], "note": note,
                "penalty_until": until if not passed else existing.penalty_until,
            })  # fmt: skip
            if not changes:
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue

        def write(ctx: Context, t=teacher, y=year, p=passed, u=until, n=note) -> None:  # noqa: ANN001
            try:
                record_ethics(t, y, p, None if p else u, n, ctx.by)
            except ServiceError as err:  # pragma: no cover - checked above
                raise RuntimeError(err.message) from err

        planned.append(Planned(row.number, imports.CREATE if existing is None else imports.UPDATE,
                               write, changes))  # fmt: skip
    return planned


def _ethics_export(user: User, school: School | None) -> Iterable[list[Any]]:
    query = (
        select(EthicsResult, Teacher)
        .join(Teacher, EthicsResult.teacher_id == Teacher.id)
        .where(school_scope(user, Teacher.school_id))
        .order_by(EthicsResult.year, Teacher.staff_no)
    )
    if school is not None:
        query = query.where(Teacher.school_id == school.id)
    for e, t in db.session.execute(query):
        yield [
            t.staff_no,
            t.name,
            e.year,
            "合格" if e.passed else "不合格",
            e.penalty_until,
            e.note,
        ]


def _hr_schools(user: User) -> list[School]:
    # The ethics veto is HR's step (it revokes recognitions): HR imports their school's results.
    return imports.schools_in_scope(user) if user.role == Role.SCHOOL_HR else []


ETHICS = imports.Kind(
    key="ethics",
    label=_l("Teacher ethics results (师德)"),
    sheet="师德考核",
    columns=[
        Column("工号", "staff_no", required=True, width=12, key=True),
        Column("姓名", "name", width=10),
        Column("年度", "year", "int", required=True, width=8, key=True),
        Column(
            "考核结果",
            "passed",
            "choice",
            required=True,
            width=10,
            choices=lambda: {"合格": "pass", "不合格": "fail"},
        ),
        Column("处分期至", "penalty_until", "date", width=12, note="不合格时必填"),
        Column("备注", "note", width=30),
    ],  # fmt: skip
    plan=_ethics_plan,
    may_import=lambda user: user.role == Role.SCHOOL_HR,
    schools=_hr_schools,
    example=["T2024001", "张晓明", 2025, "合格", "", ""],
    notes=[("不合格", "记录“不合格”会撤销该教师的双师型认定，与在页面上记录相同。")],
    export=_ethics_export,
    order=90,
)

"""Part-time teachers under contract (兼职教师) as an import kind.

An imported appointment is one the school already signed: it comes in approved (ended, when its
term is over), under the rules that define an appointment (the term's length, the hours and the
rate, the title or skill level and the age at the term's start, or a recorded exemption). It
counts against the cap as it is: an import that leaves a school over its cap is accepted — the
school's page then shows it over, as after departures, and new approvals stay blocked.
A person's appointment is known by name + birth date + term start."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.errors import ValidationFailed
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import School, User
from core.permissions import school_scope
from core.timeutil import today, utcnow

from .. import titles
from ..labels import GENDER
from . import labels
from .models import Appointment, AppointmentStatus, Qualification
from .services import check

FIELDS = ("name", "gender", "birth_date", "phone", "employer", "position", "qualification",
          "field", "courses", "hours_per_week", "term_start", "term_end", "hourly_rate",
          "exemption", "exemption_reason")  # fmt: skip


def _qualifications() -> dict[str, str]:
    """What the qualification column accepts: the labels, every title name (讲师 → 中级职称) and
    every skill level name (高级工 → 三级)."""
    choices = imports.zh_labels(labels.QUALIFICATION)
    for name, level in titles.title_names().items():
        if level != "none":
            choices.setdefault(name, f"title_{level}")
    for name in titles.SKILL_LEVEL_NAMES:
        if (level := titles.skill_level(name)) is not None:
            choices.setdefault(name, f"skill_{level.value}")
    return choices


COLUMNS = [
    Column("姓名", "name", required=True, width=10, key=True),
    Column("性别", "gender", "choice", required=True, width=8,
           choices=lambda: imports.zh_labels(GENDER)),
    Column("出生日期", "birth_date", "date", required=True, width=12, key=True),
    Column("手机", "phone", width=14),
    Column("工作单位", "employer", required=True, width=24),
    Column("职务", "position", width=12),
    Column("职称或技能等级", "qualification", "choice", required=True, width=16,
           choices=_qualifications, note="如 高级工、技师、讲师、高级工程师 请填对应级别"),
    Column("专业领域", "field", width=14),
    Column("任教课程", "courses", width=20),
    Column("周课时", "hours_per_week", "decimal", required=True, width=8),
    Column("聘期开始", "term_start", "date", required=True, width=12, key=True),
    Column("聘期结束", "term_end", "date", required=True, width=12),
    Column("课时费(元)", "hourly_rate", "decimal", required=True, width=10),
    Column("破格聘任", "exemption", "bool", width=10),
    Column("破格理由", "exemption_reason", width=24),
]  # fmt: skip
SAMPLE = ["陈建国", "男", "1975-04-18", "13905770000", "温州正泰电器有限公司", "车间主任", "技师",
          "电气自动化", "PLC 应用技术", 4, "2025-09-01", "2027-08-31", 150, "否", ""]  # fmt: skip


def plan(rows: list[Row], ctx: Context) -> list[Planned]:
    school = ctx.school
    assert school is not None
    planned = []
    for row in rows:
        data = {k: row.values.get(k) for k in FIELDS}
        data["exemption"] = bool(data["exemption"])
        if not imports.not_future(ctx, row, "term_start"):
            continue
        try:
            data = check(data)
        except ValidationFailed as err:
            ctx.refused(row, err)
            continue
        for key in ("phone", "position", "field", "courses"):
            data[key] = data[key] or ""
        existing = db.session.scalar(
            select(Appointment).where(
                Appointment.school_id == school.id,
                Appointment.name == data["name"],
                Appointment.birth_date == data["birth_date"],
                Appointment.term_start == data["term_start"],
            )
        )
        if existing is not None and imports.provenance(existing) is None:
            ctx.error(row, "name", _("This appointment was made in Shuangshi: change it on its "
                                     "page, not by import."))  # fmt: skip
            continue
        if existing is None:
            planned.append(Planned(row.number, imports.CREATE, _create(school, data)))
        elif not (
            changes := imports.changed(existing, {k: v for k, v in data.items() if k in FIELDS})
        ):
            planned.append(Planned(row.number, imports.UNCHANGED))
        else:
            planned.append(Planned(row.number, imports.UPDATE, _update(existing, data), changes))
    return planned


def _status(data: dict[str, Any]) -> AppointmentStatus:
    return AppointmentStatus.ENDED if data["term_end"] < today() else AppointmentStatus.APPROVED


def _create(school: School, data: dict[str, Any]) -> Any:
    def write(ctx: Context) -> Appointment:
        return ctx.created(
            Appointment(
                school_id=school.id, **{k: data[k] for k in FIELDS}, status=_status(data),
                proposed_by_id=ctx.by.id, approved_by_id=ctx.by.id, approved_at=utcnow(),
                decision_note=_("Imported: appointed before Shuangshi"),
            )
        )  # fmt: skip

    return write


def _update(existing: Appointment, data: dict[str, Any]) -> Any:
    def write(ctx: Context) -> None:
        for key in FIELDS:
            setattr(existing, key, data[key])
        ctx.updated(existing)

    return write


def _export(user: User, school: School | None) -> Iterable[list[Any]]:
    gender = {c: label for label, c in imports.zh_labels(GENDER).items()}
    quals = {c: label for label, c in imports.zh_labels(labels.QUALIFICATION).items()}
    query = (
        select(Appointment)
        .where(
            Appointment.status.in_([AppointmentStatus.APPROVED, AppointmentStatus.ENDED]),
            school_scope(user, Appointment.school_id),
        )
        .order_by(Appointment.term_start, Appointment.name)
    )
    if school is not None:
        query = query.where(Appointment.school_id == school.id)
    for a in db.session.scalars(query):
        yield [a.name, gender.get(a.gender, ""), a.birth_date, a.phone, a.employer, a.position,
               quals.get(Qualification(a.qualification), ""), a.field, a.courses,
               a.hours_per_week, a.term_start, a.term_end, a.hourly_rate,
               "是" if a.exemption else "否", a.exemption_reason]  # fmt: skip


APPOINTMENTS = imports.Kind(
    key="appointments",
    label=_l("Part-time teachers under contract"),
    sheet="兼职教师",
    columns=COLUMNS,
    plan=plan,
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=SAMPLE,
    notes=[
        (
            "占用名额",
            "导入的聘任按实际计入兼职教师名额；导入后超出上限的学校会被标出，"
            "在回到上限以内之前不能再批准新的聘任。",
        )
    ],  # fmt: skip
    export=_export,
    order=50,
)

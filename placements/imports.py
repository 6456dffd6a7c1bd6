"""Historical enterprise practice (千企万岗) as an import kind: placements a school already
approved, in its own ledger, before Shuangshi. They come in approved, their confirmation
recorded as the school's ledger (the mentor's link cannot apply to the past), under the rules
that define a placement: a valid credit code, a teacher of the school, a completed period that
overlaps no other placement of the teacher, days that fit the period."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.errors import ValidationFailed
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import ImportedRecord, School, User
from core.permissions import school_scope
from core.timeutil import utcnow
from teachers.models import Teacher
from teachers.roster import row_teacher

from . import credit_code, labels
from .models import (
    HOLDS_ITS_DAYS,
    Confirmation,
    Enterprise,
    Placement,
    PlacementStatus,
    PracticeForm,
)
from .services import CODE_PROBLEMS, check_period

COLUMNS = [
    Column("工号", "staff_no", required=True, width=12, key=True),
    Column("姓名", "name", width=10, note="用于核对：与工号对应的教师姓名不符时报错"),
    Column("企业名称", "enterprise_name", width=24, note="企业第一次出现时必填"),
    Column("统一社会信用代码", "credit_code", required=True, width=22, key=True),
    Column("实践岗位", "post", required=True, width=16),
    Column("实践形式", "form", "choice", width=22, choices=lambda: imports.zh_labels(labels.FORM),
           note="历史记录未写明时留空：记为“未记录”，不作推测"),
    Column("开始日期", "start_date", "date", required=True, width=12, key=True),
    Column("结束日期", "end_date", "date", required=True, width=12),
    Column("实践天数", "days", "decimal", width=10, note="可填半天，如 2.5；不填时按学时折算"),
    Column("实践学时", "hours", "decimal", width=10),
    Column("企业导师", "mentor_name", width=10),
    Column("导师电话", "mentor_phone", width=14),
    Column("实践内容", "description", width=30),
]  # fmt: skip
SAMPLE = ["T2024001", "张晓明", "温州瑞明工业股份有限公司", "91330300MA2AB2CD3B",
          "数控加工", "在生产和管理岗位兼职或任职", "2023-07-03", "2023-08-11", 30, "", "陈工",
          "13957700000", "参与数控车间生产"]  # fmt: skip
FIELDS = ("post", "form", "start_date", "end_date", "days", "hours", "mentor_name",
          "mentor_phone", "description")  # fmt: skip


class _Known:
    """What the file's rows are checked against, read in a few queries for the whole file
    (not several per row: a city's history is 120,000 rows): the school's teachers, the
    enterprises the file names, and every submitted or approved placement of its teachers."""

    def __init__(self, school: School, rows: list[Row]) -> None:
        self.teachers = {
            t.staff_no: t
            for t in db.session.scalars(select(Teacher).where(Teacher.school_id == school.id))
        }
        codes = sorted({credit_code.normalise(r["credit_code"]) for r in rows})
        self.enterprises: dict[str, Enterprise] = {}
        for n in range(0, len(codes), 500):
            self.enterprises.update(
                (e.credit_code, e)
                for e in db.session.scalars(
                    select(Enterprise).where(Enterprise.credit_code.in_(codes[n : n + 500]))
                )
            )
        held = db.session.execute(  # plain rows: a school's history is tens of thousands
            select(Placement.id, Placement.teacher_id, Placement.enterprise_id,
                   Placement.status, *(getattr(Placement, f) for f in FIELDS))
            .where(
                # by the teachers' ids, not a join: the planner then reads the index
                Placement.teacher_id.in_([t.id for t in self.teachers.values()]),
                Placement.status.in_(HOLDS_ITS_DAYS),  # what `services.overlapping` reads
            )
            .order_by(Placement.start_date)
        ).all()  # fmt: skip
        self.placements: dict[int, list[Any]] = {}
        for p in held:
            self.placements.setdefault(p.teacher_id, []).append(p)
        self._imported: set[int] | None = None  # read when a row is found to be here already
        # What every created placement says of its decision, worked out once for the file.
        self.now = utcnow()
        self.note = _("Imported historical record")

    def existing(self, teacher: Teacher, enterprise: Enterprise | None, start: date):  # type: ignore[no-untyped-def]
        """The approved placement the row is (same teacher, enterprise and start), if any."""
        if enterprise is None:
            return None
        found = next(
            (p for p in self.placements.get(teacher.id, [])
             if p.enterprise_id == enterprise.id and p.start_date == start
             and p.status == PlacementStatus.APPROVED),
            None,
        )  # fmt: skip
        return found  # its columns, to compare: the record is read only to be updated

    def was_imported(self, placement_id: int) -> bool:
        """Whether an import made the placement (else it was recorded in Shuangshi)."""
        if self._imported is None:
            ids = [p.id for held in self.placements.values() for p in held]
            self._imported = set()
            for n in range(0, len(ids), 5000):
                self._imported.update(db.session.scalars(
                    select(ImportedRecord.record_id).where(
                        ImportedRecord.record_table == Placement.__tablename__,
                        ImportedRecord.record_id.in_(ids[n : n + 5000]),
                    )
                ))  # fmt: skip
        return placement_id in self._imported

    def overlapping(self, teacher: Teacher, start: date, end: date, exclude: int | None):  # type: ignore[no-untyped-def]
        """The same question as `services.overlapping`, asked of what was read."""
        found = next(
            (p for p in self.placements.get(teacher.id, [])
             if p.id != exclude and p.start_date <= end and p.end_date >= start),
            None,
        )  # fmt: skip
        return db.session.get(Placement, found.id) if found else None


def plan(rows: list[Row], ctx: Context) -> list[Planned]:
    school = ctx.school
    assert school is not None
    known = _Known(school, rows)
    planned: list[Planned] = []
    spans: dict[int, list[tuple[date, date, int]]] = {}  # the file's own periods, per teacher
    named: dict[str, str] = {}  # enterprises the file names, by credit code
    for row in rows:
        teacher = row_teacher(ctx, row, known.teachers.get(row["staff_no"]))
        if teacher is None:
            continue
        if problem := credit_code.problem(row["credit_code"]):
            ctx.error(row, "credit_code", CODE_PROBLEMS[problem]())
            continue
        code = credit_code.normalise(row["credit_code"])
        enterprise = known.enterprises.get(code)
        if row["enterprise_name"]:
            named.setdefault(code, row["enterprise_name"])
        if enterprise is None and code not in named:  # named by an earlier row of the file
            ctx.error(row, "enterprise_name", _("Enter the enterprise's name."))
            continue
        try:
            values = check_period({k: row[k] for k in FIELDS}, completed=True)
        except ValidationFailed as err:
            ctx.refused(row, err)
            continue
        if not imports.not_future(ctx, row, "start_date"):
            continue
        existing = known.existing(teacher, enterprise, values["start_date"])  # a row
        if existing is not None and not known.was_imported(existing.id):
            if not imports.changed(existing, _tidy(values)):  # the product's own export, read back
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue
            ctx.error(row, "start_date", _("This placement was recorded in Shuangshi: correct it "
                                           "on its page, not by import."))  # fmt: skip
            continue
        start, end = values["start_date"], values["end_date"]
        other = known.overlapping(teacher, start, end, existing.id if existing else None)
        twin = next((n for s, e, n in spans.get(teacher.id, []) if s <= end and e >= start), None)
        if other is not None or twin is not None:
            where = (
                _("row %(row)d", row=twin)
                if twin is not None
                else f"{other.enterprise.name}（{other.start_date} – {other.end_date}）"
            )  # type: ignore[union-attr]
            ctx.error(row, "start_date", _("Overlaps another placement of %(name)s: %(other)s.",
                                           name=teacher.name, other=where))  # fmt: skip
            continue
        spans.setdefault(teacher.id, []).append((start, end, row.number))
        planned.append(_planned(row, teacher, existing, _tidy(values), named.get(code, ""), known))
    return planned


def _tidy(values: dict[str, Any]) -> dict[str, Any]:
    """A row's values as a placement keeps them: the post trimmed, blank text as ""."""
    values = {**values, "post": (values["post"] or "").strip(),
              "form": values["form"] or PracticeForm.UNRECORDED.value}  # fmt: skip
    return {k: ("" if v is None and k in ("mentor_name", "mentor_phone", "description") else v)
            for k, v in values.items()}  # fmt: skip


def _planned(
    row: Row,
    teacher: Teacher,
    existing: Any,  # the placement's row as `_Known` read it, or None
    values: dict,
    name: str,
    known: _Known,
) -> Planned:
    code = row["credit_code"]
    if existing is None:

        def create(ctx: Context) -> None:
            normal = credit_code.normalise(code)
            enterprise = known.enterprises.get(normal)
            if enterprise is None:  # the file's first row for it adds it, once (code checked)
                enterprise = ctx.created(Enterprise(name=name.strip()[:200], credit_code=normal))
                known.enterprises[normal] = enterprise
            now = known.now
            ctx.row(
                Placement,
                {"teacher_id": teacher.id, "enterprise_id": enterprise, **values,
                 "status": PlacementStatus.APPROVED.value,
                 "confirmation": Confirmation.IMPORTED.value, "confirmed_days": values["days"],
                 "confirmed_at": now, "submitted_at": now, "decided_at": now,
                 "decided_by_id": ctx.by.id, "created_by_id": ctx.by.id,
                 "decision_note": known.note},
                label=f"{teacher.name} · {enterprise.name}（{values['start_date']} – "
                f"{values['end_date']}）",
                school_id=teacher.school_id,
            )  # fmt: skip

        return Planned(row.number, imports.CREATE, create)
    changes = imports.changed(existing, values)
    if not changes:
        return Planned(row.number, imports.UNCHANGED)

    def update(ctx: Context) -> None:
        placement = db.session.get(Placement, existing.id)
        for key, value in values.items():
            setattr(placement, key, value)
        placement.confirmed_days = values["days"]
        ctx.updated(placement)

    return Planned(row.number, imports.UPDATE, update, changes)


def _export(user: User, school: School | None) -> Iterable[list[Any]]:
    forms = {code: label for label, code in imports.zh_labels(labels.FORM).items()}
    query = (
        select(Placement, Teacher, Enterprise)
        .join(Teacher, Placement.teacher_id == Teacher.id)
        .join(Enterprise, Placement.enterprise_id == Enterprise.id)
        .where(Placement.status == PlacementStatus.APPROVED)
        .order_by(Teacher.staff_no, Placement.start_date)
    )
    query = query.where(school_scope(user, Teacher.school_id))
    if school is not None:
        query = query.where(Teacher.school_id == school.id)
    for p, t, e in db.session.execute(query.execution_options(yield_per=2000)):
        yield [t.staff_no, t.name, e.name, e.credit_code, p.post, forms.get(p.form, ""),
               p.start_date, p.end_date, p.days, p.hours, p.mentor_name, p.mentor_phone,
               p.description]  # fmt: skip


PLACEMENTS = imports.Kind(
    key="placements",
    label=_l("Enterprise practice (historical, approved)"),
    sheet="企业实践",
    columns=COLUMNS,
    plan=plan,
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=SAMPLE,
    notes=[
        (
            "导入后",
            "记录为学校已审核通过的历史企业实践，计入教师的实践天数；企业确认以学校原台账为准。",
        )
    ],
    export=_export,
    order=20,
)

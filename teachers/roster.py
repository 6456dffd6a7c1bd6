"""The teacher roster (教师名册) as an import kind: the template, the all-or-nothing import (core's
mechanism: preview, then confirm) and the export of a filtered list in the same columns, with
the template's drop-downs, so an export can be edited and imported back."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from core import imports
from core.extensions import db
from core.forms import formdata_from
from core.imports import Column, Context, Planned, Row
from core.models import School, User
from core.xlsx_stream import StreamedSheet

from . import labels, titles
from .forms import TeacherForm
from .models import Teacher
from .services import (
    TEACHER_FIELDS,
    check_teacher,
    clean,
    create_teacher,
    find_teacher,
    update_teacher,
)

_MISSING = object()


def row_teacher(ctx: Context, row: Row, found: Any = _MISSING) -> Teacher | None:
    """The teacher a row of another kind names by staff number at the import's school (`found`
    when the caller looked it up in bulk), checked against the name when the row gives one; else
    the row's problem is reported and None returned."""
    assert ctx.school is not None
    teacher = find_teacher(ctx.school, row["staff_no"]) if found is _MISSING else found
    if teacher is None:
        ctx.error(row, "staff_no", _("No teacher of %(school)s has this staff number.",
                                     school=ctx.school.name))  # fmt: skip
        return None
    if row["name"] and row["name"] != teacher.name:
        ctx.error(row, "name", _("Staff number %(no)s is %(name)s.", no=teacher.staff_no,
                                 name=teacher.name))  # fmt: skip
        return None
    return teacher


def _zh(mapping: dict) -> Callable[[], dict[str, str]]:
    return lambda: imports.zh_labels(mapping)


def _title_choices() -> dict[str, str]:
    """The drop-down of the title column: every title name the rule table knows."""
    return {name: name for name in titles.title_names()}


COLUMNS = [
    Column("工号", "staff_no", required=True, width=12, key=True,
           note="同一学校内唯一；已有工号的教师会被更新，新工号会新增教师"),
    Column("姓名", "name", required=True, width=10),
    Column("性别", "gender", "choice", required=True, width=8, choices=_zh(labels.GENDER)),
    Column("出生日期", "birth_date", "date", width=12),
    Column("系部/专业", "department", width=16),
    Column("专业教师", "professional", "bool", width=10),
    Column("实习指导教师", "practice_instructor", "bool", width=12),
    Column("用工形式", "employment", "choice", required=True, width=10,
           choices=_zh(labels.EMPLOYMENT)),
    Column("入职日期", "hire_date", "date", required=True, width=12),
    Column("职称", "title", "choice", width=14, choices=_title_choices,
           note="按聘任的职称名称填写，如 讲师、高级讲师、副教授、一级实习指导教师、一级教师，"
           "或 初级/中级/副高级/正高级"),
    Column("职称取得日期", "title_date", "date", width=12),
    Column("最高学历", "education", "choice", width=12, choices=_zh(labels.EDUCATION)),
    Column("企业工作经历(月)", "enterprise_months", "int", width=14),
    Column("教师资格证书编号", "qualification_cert_no", width=20),
    Column("手机", "phone", width=14),
    Column("电子邮箱", "email", width=20),
]  # fmt: skip
HEADERS = [c.header for c in COLUMNS]

SAMPLE = ["T2024001", "张晓明", "男", "1988-05-12", "智能制造系", "是", "否",
          "在编", "2012-09-01", "讲师", "2018-12-01", "本科", 24, "20123300000123",
          "13857700000", "zhang@example.cn"]  # fmt: skip


def _form_text(value: Any) -> str | None:
    """A typed cell as the teacher form reads it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "y" if value else None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def plan(rows: list[Row], ctx: Context) -> list[Planned]:
    school = ctx.school
    assert school is not None
    seen: set[str] = set()
    planned = []
    present = {c.field for c in COLUMNS}
    for row in rows:
        formdata = MultiDict()
        for name, value in row.values.items():
            if name == "title":
                continue
            if (text := _form_text(value)) is not None:
                formdata.add(name, text)
        written = row["title"] or ""
        level = titles.title_level(written) if written else None
        if written:
            formdata.add("title", level.value if level else "none")
        existing = find_teacher(school, row["staff_no"])
        if existing is not None:
            # Columns left out of the sheet keep the teacher's current values.
            kept = formdata_from(TeacherForm, existing, skip=set(row.values) & present)
            for name, value in formdata.items(multi=True):
                kept.add(name, value)
            formdata = kept
        form = TeacherForm(formdata=formdata, meta={"csrf": False})
        if not form.validate():
            for name, messages in form.errors.items():
                for message in messages:
                    ctx.error(row, name, message)
            continue
        data = clean({k: form[k].data for k in TEACHER_FIELDS})
        problems = check_teacher(data, school, existing, seen)
        for name, message in problems.items():
            ctx.error(row, name, message)
        seen.add(data["staff_no"])
        if problems:
            continue
        if "title" in row.values:
            data["title_name"] = written if written not in titles.LEVEL_NAMES.values() else ""
        planned.append(_planned(row, existing, data, school))
    return planned


def _planned(row: Row, existing: Teacher | None, data: dict[str, Any], school: School) -> Planned:
    if existing is None:
        return Planned(row.number, imports.CREATE, lambda ctx: _create(ctx, school, data))
    changes = imports.changed(existing, data)
    if not changes:
        return Planned(row.number, imports.UNCHANGED)
    return Planned(row.number, imports.UPDATE, lambda ctx: update_teacher(existing, data, ctx.by),
                   changes)  # fmt: skip


def _create(ctx: Context, school: School, data: dict[str, Any]) -> Teacher:
    teacher = create_teacher(school, data, ctx.by)
    ctx.mark(teacher)
    return teacher


def export_rows(
    teachers: Select[Any], progress: Callable[[int], None] | None = None
) -> Iterable[list[Any]]:
    """The roster of a query of teachers, in the template's columns. Plain columns, read in
    batches, written as they come: no ORM object per teacher."""
    choice = {c.field: {code: label for label, code in c.choices().items()}
              for c in COLUMNS if c.choices and c.field != "title"}  # fmt: skip
    with force_locale("zh_Hans_CN"):
        status = {k.value: str(v) for k, v in labels.STATUS.items()}
    schools = dict(db.session.execute(select(School.id, School.name)).all())
    fields = [c.field for c in COLUMNS]
    query = teachers.with_only_columns(
        *(getattr(Teacher, f) for f in fields), Teacher.title_name, Teacher.school_id,
        Teacher.status, maintain_column_froms=True,
    ).execution_options(yield_per=2000)  # fmt: skip

    def cell(value: Any, name: str, title_name: str) -> Any:
        if name == "title":
            return title_name or titles.LEVEL_NAMES.get(value, "")
        if name in choice:
            return choice[name].get(value, "") if value else ""
        if name in ("professional", "practice_instructor"):
            return "是" if value else "否"
        return value

    for n, row in enumerate(db.session.execute(query), start=1):
        *values, title_name, school_id, state = row
        yield [cell(v, f, title_name) for v, f in zip(values, fields, strict=True)] + [
            schools.get(school_id, ""),
            status[state],
        ]
        if progress:
            progress(n)


def export_workbook(
    teachers: Select[Any], progress: Callable[[int], None] | None = None
) -> StreamedSheet:
    """The roster export: the template's columns and drop-downs, then the school and status."""
    sheet = imports.export_workbook(ROSTER, export_rows(teachers, progress))
    sheet.headers = HEADERS + ["学校", "状态"]
    sheet.widths = [c.width for c in COLUMNS] + [24, 8]
    return sheet


def _schools(user: User) -> list[School]:
    return imports.schools_in_scope(user)


def _export(user: User, school: School | None) -> Iterable[list[Any]]:
    from .queries import TeacherFilters, filtered_teachers

    filters = TeacherFilters.from_args({"school": school.code} if school else {})
    return export_rows(filtered_teachers(user, filters))


ROSTER = imports.Kind(
    key="roster",
    label=_l("Teacher roster"),
    sheet="教师名册",
    columns=COLUMNS,
    plan=plan,
    may_import=imports.records_keeper,
    schools=_schools,
    example=SAMPLE,
    export=_export,
    done_url=lambda school: url_for("teachers.index", school=school.code if school else None),
    order=10,
)

"""The teacher roster in Excel: a template with Chinese headers, an all-or-nothing import that
reports every bad row, and an export of the filtered list in the same columns (so an export
can be edited and imported back)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import Select, select
from werkzeug.datastructures import MultiDict

from core.excel import (
    SheetError,
    SheetTooLarge,
    read_sheet,
    streamed_workbook,
    write_header,
    write_rows,
)
from core.extensions import db
from core.forms import formdata_from
from core.models import School, User
from core.xlsx_stream import StreamedSheet

from . import labels
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

# (header, field, width, kind); kind names how a cell becomes form input.
COLUMNS = [
    ("工号", "staff_no", 12, "text"),
    ("姓名", "name", 10, "text"),
    ("性别", "gender", 8, "gender"),
    ("出生日期", "birth_date", 12, "date"),
    ("系部/专业", "department", 16, "text"),
    ("专业教师", "professional", 10, "bool"),
    ("实习指导教师", "practice_instructor", 12, "bool"),
    ("用工形式", "employment", 10, "employment"),
    ("入职日期", "hire_date", 12, "date"),
    ("职称", "title", 10, "title"),
    ("职称取得日期", "title_date", 12, "date"),
    ("最高学历", "education", 12, "education"),
    ("企业工作经历(月)", "enterprise_months", 14, "int"),
    ("教师资格证书编号", "qualification_cert_no", 20, "text"),
    ("手机", "phone", 14, "text"),
    ("电子邮箱", "email", 20, "text"),
]
HEADERS = [c[0] for c in COLUMNS]
REQUIRED_HEADERS = ["工号", "姓名", "性别", "用工形式", "入职日期"]
CHOICE_LABELS = {
    "gender": labels.GENDER,
    "employment": labels.EMPLOYMENT,
    "title": labels.TITLE,
    "education": labels.EDUCATION,
}
YES = {"是", "y", "yes", "true", "1", "√"}
NO = {"否", "n", "no", "false", "0", ""}

SAMPLE = ["T2024001", "张晓明", "男", "1988-05-12", "智能制造系", "是", "否", "在编",
          "2012-09-01", "中级", "2018-12-01", "本科", 24, "20123300000123", "13857700000",
          "zhang@example.cn"]  # fmt: skip


def _zh(mapping: dict) -> dict[str, str]:
    """Chinese label → code, whatever language the user reads: the sheet is always Chinese."""
    with force_locale("zh_Hans_CN"):
        return {str(label): key.value for key, label in mapping.items()}


def _code_to_zh(mapping: dict) -> dict[str, str]:
    return {code: label for label, code in _zh(mapping).items()}


def template_workbook() -> Workbook:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "教师名册"
    write_header(sheet, HEADERS, [c[2] for c in COLUMNS])
    for col, (_h, _name, _w, kind) in enumerate(COLUMNS, start=1):
        options = (
            list(_zh(CHOICE_LABELS[kind]))
            if kind in CHOICE_LABELS
            else (["是", "否"] if kind == "bool" else None)
        )
        if options:
            letter = sheet.cell(row=1, column=col).column_letter
            rule = DataValidation(
                type="list", formula1='"' + ",".join(options) + '"', allow_blank=True
            )
            rule.add(f"{letter}2:{letter}2000")
            sheet.add_data_validation(rule)
    notes = wb.create_sheet("填写说明")
    write_header(notes, ["列", "说明"], [18, 70])
    write_rows(
        notes,
        [
            ("工号", "必填；同一学校内唯一。已有工号的教师会被更新，新工号会新增教师。"),
            ("性别 / 用工形式 / 职称 / 最高学历", "从下拉列表中选择。"),
            ("日期", "格式 YYYY-MM-DD，例如 2012-09-01。"),
            ("专业教师 / 实习指导教师", "填“是”或“否”。"),
            (
                "导入规则",
                "先检查所有行：只要有一行有误，就一行也不导入，并列出每一处错误（行号、列、原因）。",
            ),
        ],
    )
    notes.append([])
    notes.append(["示例行（请在“教师名册”表中填写，不要在此表填写）："])
    notes.append(HEADERS)
    notes.append(SAMPLE)
    return wb


def export_workbook(
    teachers: Select[Any], progress: Callable[[int], None] | None = None
) -> StreamedSheet:
    """The roster of a query of teachers, in the template's columns (so it imports back). Plain
    columns, read in batches, written as they come: no ORM object per teacher."""
    zh = {kind: _code_to_zh(mapping) for kind, mapping in CHOICE_LABELS.items()}
    with force_locale("zh_Hans_CN"):
        status = {k.value: str(v) for k, v in labels.STATUS.items()}
    schools = dict(db.session.execute(select(School.id, School.name)).all())
    columns = [getattr(Teacher, name) for _h, name, _w, _k in COLUMNS]
    query = teachers.with_only_columns(
        *columns, Teacher.school_id, Teacher.status, maintain_column_froms=True
    ).execution_options(yield_per=2000)
    kinds = [kind for *_rest, kind in COLUMNS]

    def cell(value: Any, kind: str) -> Any:
        if kind in zh:
            return zh[kind].get(value, "") if value else ""
        if kind == "bool":
            return "是" if value else "否"
        return value

    def rows():  # type: ignore[no-untyped-def]
        for n, row in enumerate(db.session.execute(query), start=1):
            *values, school_id, state = row
            yield [cell(v, k) for v, k in zip(values, kinds, strict=True)] + [
                schools.get(school_id, ""),
                status[state],
            ]
            if progress:
                progress(n)

    return streamed_workbook(
        "教师名册", HEADERS + ["学校", "状态"], [c[2] for c in COLUMNS] + [24, 8], rows()
    )


@dataclass
class ImportResult:
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, reason)
    created: int = 0
    updated: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def _cell_text(value: Any, kind: str, choices: dict[str, dict[str, str]]) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Clerks type full-width digits and letters (１３８…, Ｔ００１) and spaces: read them as plain.
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if kind == "date":
        return _typed_date(text)
    if kind == "bool":
        low = text.lower()
        return "y" if low in YES else ("" if low in NO else "?" + text)
    if kind in choices:
        return choices[kind].get(text, text)
    return text


# The forms clerks type: 2016-09-01, 2016/9/1, 2016.9.1, 2016年9月1日, 20160901.
TYPED_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def _typed_date(text: str) -> str:
    """A date as the form reads it (ISO); text that is no date is left for the form to refuse."""
    match = TYPED_DATE.match(text) or (
        re.match(r"^(\d{4})(\d{2})(\d{2})$", text) if len(text) == 8 else None
    )
    if not match:
        return text
    try:
        return date(*(int(part) for part in match.groups())).isoformat()
    except ValueError:
        return text


def _choice_problem(text: str, kind: str, choices: dict[str, dict[str, str]]) -> str | None:
    """How to fix a cell whose value is not one of the drop-down's choices."""
    allowed = list(choices[kind])
    if text in choices[kind] or text in choices[kind].values():
        return None
    words = "、".join(allowed[:-1]) + _(" or ") + allowed[-1] if len(allowed) > 1 else allowed[0]
    return _("“%(value)s” is not a choice here: write %(allowed)s.", value=text, allowed=words)


Ready = list[tuple[Teacher | None, dict[str, Any]]]


def read_roster(stream: Any) -> list[tuple[int, dict[str, Any]]]:
    """The sheet's teacher rows; raises ImportRefused with the reason the file is unusable."""
    try:
        rows = read_sheet(stream, HEADERS, REQUIRED_HEADERS)
    except SheetTooLarge as err:
        raise ImportRefused([(0, "", str(err))]) from None
    except SheetError as err:
        text = str(err)
        if text.startswith("missing:"):
            raise ImportRefused(
                [(1, text[8:], _("This column is missing from the first row."))]
            ) from None
        raise ImportRefused(
            [(0, "", _("The file could not be read as an Excel workbook."))]
        ) from None
    if not rows:
        raise ImportRefused([(0, "", _("The roster has no teacher rows."))])
    return rows


class ImportRefused(Exception):  # noqa: N818 (the file's own mistakes, listed for the clerk)
    def __init__(self, errors: list[tuple[int, str, str]]) -> None:
        super().__init__(f"{len(errors)} problems")
        self.errors = errors


def check_rows(
    rows: list[tuple[int, dict[str, Any]]],
    school: School,
    progress: Callable[[int], None] | None = None,
) -> tuple[list[tuple[int, str, str]], Ready]:
    """Check every row: (every problem as (row, column, reason), the rows ready to write)."""
    errors: list[tuple[int, str, str]] = []
    choices = {kind: _zh(mapping) for kind, mapping in CHOICE_LABELS.items()}
    header_of = {name: header for header, name, _w, _k in COLUMNS}
    seen: set[str] = set()
    ready: Ready = []
    for done, (number, values) in enumerate(rows, start=1):
        if progress is not None:
            progress(done)
        refused_choice = False
        formdata = MultiDict()
        for header, name, _w, kind in COLUMNS:
            text = _cell_text(values.get(header), kind, choices) if header in values else None
            if text is None:
                continue
            if kind == "bool" and text.startswith("?"):
                errors.append((number, header, _("Write 是 or 否.")))
                text = ""
            raw = unicodedata.normalize("NFKC", str(values.get(header) or "")).strip()
            if kind in choices and raw and (problem := _choice_problem(raw, kind, choices)):
                errors.append((number, header, problem))
                refused_choice = True
                continue
            if text:
                formdata.add(name, text)
        existing = find_teacher(school, formdata.get("staff_no", ""))
        form = TeacherForm(
            formdata=_with_existing(formdata, existing, values), meta={"csrf": False}
        )
        if not form.validate() or refused_choice:
            for name, messages in form.errors.items():
                if refused_choice and name in CHOICE_LABELS:
                    continue  # already said how to fix it
                for message in messages:
                    errors.append((number, header_of.get(name, name), str(message)))
            continue
        data = clean({k: form[k].data for k in TEACHER_FIELDS})
        for name, message in check_teacher(data, school, existing, seen).items():
            errors.append((number, header_of.get(name, name), message))
        seen.add(data["staff_no"])
        ready.append((existing, data))
    return errors, ready


def write_checked_rows(ready: Ready, school: School, by: User) -> tuple[int, int]:
    """Write checked rows: (teachers added, teachers updated)."""
    created = updated = 0
    for existing, data in ready:
        if existing is None:
            create_teacher(school, data, by)
            created += 1
        elif update_teacher(existing, data, by):
            updated += 1
    return created, updated


def import_roster(stream: Any, school: School, by: User) -> ImportResult:
    """Check every row; import all of them only when none has an error."""
    result = ImportResult()
    try:
        rows = read_roster(stream)
    except ImportRefused as refused:
        result.errors = refused.errors
        return result
    result.errors, ready = check_rows(rows, school)
    if not result.errors:
        result.created, result.updated = write_checked_rows(ready, school, by)
    return result


def _with_existing(formdata: MultiDict, existing: Teacher | None, values: dict) -> MultiDict:
    """Columns left out of the sheet keep the teacher's current values on update."""
    if existing is None:
        return formdata
    present = {name for header, name, _w, _k in COLUMNS if header in values}
    merged = formdata_from(TeacherForm, existing, skip=present)
    for name, value in formdata.items(multi=True):
        merged.add(name, value)
    return merged

"""Results by Excel: a template listing every entry (Chinese headers), and an all-or-nothing
import matched by entry number with a per-row report."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core import imports
from core.errors import Conflict, ValidationFailed
from core.excel import write_header, write_rows
from core.extensions import db
from core.models import User

from .labels import AWARD
from .models import Competition, CompetitionStatus, Entry, EntryPerson, Event
from .services import parse_result, record_result

HEADERS = ["报名编号", "赛项", "学校", "参赛者", "奖项", "名次", "成绩"]
SHEET = "成绩"  # the template's sheet


def award_names() -> dict[str, str]:
    """The awards as the sheet writes them: always in Chinese, from the one label table."""
    with force_locale("zh_Hans_CN"):
        return {code: str(label) for code, label in AWARD.items()}


def entries_of(competition: Competition) -> list[Entry]:
    return list(
        db.session.scalars(
            select(Entry)
            .join(Event, Entry.event_id == Event.id)
            .where(Event.competition_id == competition.id)
            .options(
                selectinload(Entry.people).selectinload(EntryPerson.teacher),
                selectinload(Entry.people).selectinload(EntryPerson.student),
            )
            .order_by(Event.id, Entry.id)
        )
    )


def template(competition: Competition) -> Workbook:
    names = award_names()
    wb = Workbook()
    sheet = wb.active
    sheet.title = SHEET
    write_header(sheet, HEADERS, [10, 24, 24, 30, 10, 8, 8])
    write_rows(
        sheet,
        (
            [
                e.id,
                str(e.event),
                e.school.name,
                "、".join(p.name for p in e.members),
                names.get(e.award or "", ""),
                e.rank,
                float(e.score) if e.score is not None else None,
            ]
            for e in entries_of(competition)
        ),
    )
    # The award column offers the competition's awards as a drop-down, in Chinese.
    choices = ",".join(names[a] for a in competition.awards)
    picker = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="奖项",
        error="请从下拉列表中选择奖项；未获奖留空。",
    )
    sheet.add_data_validation(picker)
    picker.add(f"E2:E{max(2, sheet.max_row)}")
    notes = wb.create_sheet("填写说明")
    notes.append(
        ["奖项可填：" + "、".join(names[a] for a in competition.awards) + "；未获奖留空。"]
    )
    notes.append(["每个报名编号一行，不要增删行：缺少或多出的报名会整表拒绝导入。"])
    return wb


@dataclass
class ImportReport:
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    recorded: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def check_importable(competition: Competition) -> None:
    """Results come in by sheet until they are published; after that, one by one with a reason."""
    if competition.status == CompetitionStatus.PUBLISHED:
        raise Conflict(
            _("Published results are corrected one by one, with a reason."),
            status=competition.status,
        )


def import_results(competition: Competition, stream: Any, by: User) -> ImportReport:
    check_importable(competition)
    report = ImportReport()
    try:  # read as every import reads: .xlsx, .xls, .ods or CSV, by its content
        rows = imports.read_table(io.BytesIO(stream.read()), SHEET, HEADERS, ["报名编号", "奖项"],
                                  _("results"))  # fmt: skip
    except imports.FileRefused as refused:
        report.errors.append(refused.error)
        return report
    entries = {e.id: e for e in entries_of(competition)}
    seen: set[int] = set()
    parsed = []
    for number, values in rows:
        raw = values.get("报名编号")
        try:
            entry_id = int(raw)
        except (TypeError, ValueError):
            report.errors.append(
                (number, "报名编号", _("Not an entry number of this competition."))
            )
            continue
        if entry_id not in entries:
            report.errors.append(
                (number, "报名编号", _("Entry %(id)s is not in this competition.", id=entry_id))
            )
            continue
        if entry_id in seen:
            report.errors.append(
                (number, "报名编号", _("Entry %(id)s appears twice.", id=entry_id))
            )
            continue
        seen.add(entry_id)
        award_text = str(values.get("奖项") or "").strip()
        award = {name: code for code, name in award_names().items()}.get(
            award_text, award_text or None
        )
        try:
            result = parse_result(competition, award, values.get("名次"), values.get("成绩"))
        except ValidationFailed as err:
            column = {"award": "奖项", "rank": "名次", "score": "成绩"}
            for key, messages in err.fields.items():
                report.errors.append((number, column.get(key, key), messages[0]))
            continue
        parsed.append((entries[entry_id], result))
    for missing in sorted(set(entries) - seen):
        report.errors.append(
            (0, "报名编号", _("Entry %(id)s is missing from the sheet.", id=missing))
        )
    if report.errors:
        return report
    for entry, result in parsed:
        record_result(entry, result["award"], result["rank"], result["score"], by)
        report.recorded += 1
    return report

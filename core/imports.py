"""Imports of every kind of record, one mechanism (导入).

A domain package registers a `Kind`: its sheet's columns (Chinese headers, the drop-downs' label
tables, the natural key), who may import it, and `plan(rows, ctx)`, which reads the typed rows
and answers, row by row, what importing would do — create, update or leave unchanged — with the
write to do it, or the problems (`ctx.error`). Core does the rest the same way for every kind:

    read the workbook (the header row found among the first rows, blank rows skipped) → type
    every cell (full-width digits, dates as clerks type them, 是/否, drop-down labels) → refuse
    a key that appears twice → plan → a dry run stops here and reports; a confirmed import
    writes every planned change or none (any problem: nothing written)

so a template, its instructions, the preview, the API answer and the audit entries look alike
for a roster and for five years of placements. An import writes each record with its provenance
(`ImportedRecord` → `ImportBatch`: who, when, which file), shown where the record is read.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation
from python_calamine import CalamineWorkbook
from sqlalchemy import func, insert, inspect, select, text

from . import audit, excel, import_preview
from .errors import ValidationFailed
from .excel import (
    MAX_COLUMNS,
    SheetTooLarge,
    inspect_workbook,
    streamed_workbook,
    write_header,
    write_rows,
)
from .extensions import db
from .import_attachments import Attachments
from .import_preview import PreviewRow
from .import_preview import changed as changed  # the kinds read it as imports.changed
from .models import AuditEntry, ImportBatch, ImportedRecord, Role, School, User
from .org import visible_schools
from .timeutil import today
from .xlsx_stream import StreamedSheet

CREATE, UPDATE, UNCHANGED = "created", "updated", "unchanged"
HEADER_SEARCH = 10  # a title row or two (merged cells) may stand above the headers


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    type: str = "text"  # text | date | int | decimal | bool | choice
    required: bool = False
    width: int = 14
    # The drop-down: Chinese label → stored code, read when the sheet is made or read.
    choices: Callable[[], dict[str, str]] | None = None
    # Other ways clerks write a choice (市级 for 市): accepted, not offered in the drop-down.
    aliases: Callable[[], dict[str, str]] | None = None
    key: bool = False  # part of the kind's natural key
    note: str = ""  # the instructions sheet's line for this column


@dataclass
class Row:
    number: int  # the sheet's row number, as Excel shows it
    values: dict[str, Any]  # field → typed value (None when blank)
    # Optional cells that could not be read (already reported): blank to the kind's checks, so a
    # row's other mistakes are reported in the same pass, not one upload later.
    bad: frozenset[str] = frozenset()

    def __getitem__(self, name: str) -> Any:
        return self.values.get(name)


@dataclass
class Planned:
    row: int
    action: str  # CREATE | UPDATE | UNCHANGED
    write: Callable[[Context], Any] | None = None  # returns the record created, if any
    # An update's changes, field → (now, in the file), listed in the preview (`changed`).
    changes: dict[str, tuple[Any, Any]] = field(default_factory=dict)


@dataclass
class Kind:
    key: str
    label: Any
    sheet: str  # the sheet's (Chinese) title
    columns: list[Column]
    plan: Callable[[list[Row], Context], list[Planned]]
    may_import: Callable[[User], bool]
    schools: Callable[[User], list[School]] | None = None  # None: not imported per school
    example: Sequence[Any] = ()
    notes: Sequence[tuple[str, str]] = ()
    # The kind's export in the same columns (so an exported sheet imports back).
    export: Callable[[User, School | None], Iterable[Sequence[Any]]] | None = None
    # Where the records are read once imported (the roster, the ledger …): the page goes there.
    done_url: Callable[[School | None], str] | None = None
    order: int = 100
    # Files the rows name come with the sheet in one .zip (证明材料): the upload's second field.
    attachments: Any = None  # its label, when the kind takes them

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    @property
    def key_headers(self) -> list[str]:
        return [c.header for c in self.columns if c.key]

    def header_of(self, name: str) -> str:
        return next((c.header for c in self.columns if c.field == name), name)


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.key] = kind
    return kind


def records_keeper(user: User) -> bool:
    """Who imports a school's records: its HR, the bureau (its county's schools, or the city's)
    and the administrator."""
    return user.role in (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN)


def schools_in_scope(user: User) -> list[School]:
    """The schools `user` imports records for: HR their own, a bureau its county's or the
    city's, the administrator every one."""
    if not records_keeper(user):
        return []
    return list(db.session.scalars(visible_schools(user)))


def kinds_for(user: User) -> list[Kind]:
    return sorted((k for k in KINDS.values() if k.may_import(user)), key=lambda k: k.order)


@dataclass
class Context:
    kind: Kind
    by: User
    school: School | None
    filename: str = ""
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    batch: ImportBatch | None = None
    attachments: Attachments | None = None  # the .zip of files the rows name, if one came
    _new: list[tuple[Any, dict[str, Any], int | None]] = field(default_factory=list)
    _rows: dict[Any, list[tuple[dict[str, Any], str, int | None]]] = field(default_factory=dict)
    tables: set[str] = field(default_factory=set)

    def error(self, row: Row | int, column: str, message: str) -> None:
        """A problem of `row` in the column of field (or header) `column`."""
        if isinstance(row, Row) and column in row.bad:
            return  # the cell's own message says it better than a check of its blank
        number = row.number if isinstance(row, Row) else row
        self.errors.append((number, self.kind.header_of(column), str(message)))

    def refused(self, row: Row | int, err: ValidationFailed) -> None:
        """Every message of a service's refusal, each in its field's column: a sentence each,
        never a list printed whole."""
        for name, messages in err.fields.items():
            for message in messages:
                self.error(row, name, message)

    def created(self, record: Any, *, school_id: int | None = None) -> Any:
        """Add a record the import makes. Its audit entry ("imported", every field set) and its
        provenance are written with the file's other records at the end, in one flush rather
        than one per row: flush yourself when you need its id at once."""
        db.session.add(record)
        self._new.append((record, audit.pending_changes(record), school_id))
        return record

    def row(self, model: Any, values: dict[str, Any], *, label: str, school_id: int | None) -> None:
        """A record written as a plain row, not an object (the big kinds: a city's 120,000
        placements): inserted with the file's other rows of its table by one executemany, its id
        taken beforehand, audited and marked as `created` records are. A value may be a record
        `created` made (an enterprise new in the file): its id is read at the end."""
        self._rows.setdefault(model, []).append((values, label, school_id))

    def finish(self) -> None:
        """Write the rows `row` kept, then the audit entries and provenance of every record."""
        db.session.flush()  # the objects first: rows may point at them
        assert self.batch is not None
        entries, marks = [], []
        for model, rows in self._rows.items():
            table = model.__table__
            self.tables.add(table.name)
            ids = _new_ids(table, len(rows))
            plain_rows = []
            for (values, label, school_id), new_id in zip(rows, ids, strict=True):
                plain = {k: (v.id if isinstance(v, db.Model) else v) for k, v in values.items()}
                plain_rows.append({"id": new_id, **plain})
                entries.append(audit.row_entry(
                    "imported", model.__name__, new_id, label, by=self.by, school_id=school_id,
                    values=plain,
                    note=self.filename,
                ))  # fmt: skip
                marks.append({"batch_id": self.batch.id, "record_table": table.name,
                              "record_id": new_id})  # fmt: skip
            _insert_rows(table, plain_rows)
        self._rows.clear()
        for record, changes, school_id in self._new:
            entries.append(audit.entry_values("imported", record, by=self.by, changes=changes,
                                              school_id=school_id, note=self.filename))  # fmt: skip
            table = inspect(record).mapper.local_table.name
            self.tables.add(table)
            marks.append({"batch_id": self.batch.id, "record_table": table,
                          "record_id": record.id})  # fmt: skip
        # In bulk (no ids to read back): thousands of rows in a few round trips.
        if entries:
            _insert_rows(AuditEntry.__table__, entries)
            _insert_rows(ImportedRecord.__table__, marks)
        self._new.clear()

    def updated(self, record: Any) -> None:
        """Audit the changes an import made to a record that was already here."""
        audit.record_changes("import_updated", record, by=self.by)

    def mark(self, record: Any) -> None:
        """A record a service created for the import (and audited): say where it came from."""
        audit.record("imported", record, by=self.by, note=self.filename)
        self._keep(record)

    def _keep(self, record: Any) -> None:
        assert self.batch is not None
        table = inspect(record).mapper.local_table.name
        self.tables.add(table)
        db.session.add(ImportedRecord(batch_id=self.batch.id, record_table=table,
                                      record_id=record.id))  # fmt: skip


def _insert_rows(table: Any, rows: list[dict[str, Any]]) -> None:
    """Insert many rows of `table`: PostgreSQL's COPY (a city's 120,000 placements with their
    audit entries in seconds), else one executemany. Columns a row leaves out take their
    defaults, as an INSERT of the model would (a callable default, a timestamp, is read once
    for all the rows)."""
    if not rows:
        return
    if db.engine.dialect.name != "postgresql":
        db.session.execute(insert(table), rows)
        return
    columns = [c for c in table.columns if c.key in rows[0] or c.default is not None]
    names = ", ".join(f'"{c.name}"' for c in columns)
    keys = [c.key for c in columns]
    defaults = {c.key: _default(c) for c in columns if c.key not in rows[0]}
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row([_copied(row[k] if k in row else defaults[k]) for k in keys])


def _default(column: Any) -> Any:
    if column.default is None:
        return None
    return column.default.arg(None) if column.default.is_callable else column.default.arg


def _copied(value: Any) -> Any:
    """A value as COPY writes it: JSON as text, an enum as its code."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return getattr(value, "value", value)


def _new_ids(table: Any, n: int) -> list[int]:
    """`n` ids for new rows of `table`, taken before inserting them (so the rows, their audit
    entries and their provenance go in together, with nothing to read back)."""
    if db.engine.dialect.name == "postgresql":
        sequence = db.session.scalar(
            text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name}
        )
        return list(db.session.scalars(
            text("SELECT nextval(:s) FROM generate_series(1, :n)"), {"s": sequence, "n": n}
        ))  # fmt: skip
    # SQLite: this transaction holds the one write lock (it wrote the batch), so no other
    # writer can take these ids before it commits.
    start = db.session.scalar(select(func.max(table.c.id))) or 0
    return list(range(start + 1, start + n + 1))


@dataclass
class Outcome:
    kind: str
    dry_run: bool
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)
    batch_id: int | None = None
    tables: set[str] = field(default_factory=set)  # where the records it created went
    # A page of the rows it creates or updates, and how many there are (the preview's list).
    rows: list[PreviewRow] = field(default_factory=list)
    rows_total: int = 0
    page: int = 1

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "dry_run": self.dry_run,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [{"row": r, "column": c, "message": m} for r, c, m in self.errors],
            "rows": [row.as_json() for row in self.rows],
            "rows_total": self.rows_total,
            "page": self.page,
        }


# ---------------------------------------------------------------- the template and the export


def zh_labels(mapping: dict[Any, Any]) -> dict[str, str]:
    """Chinese label → code of a label table, whatever the reader's language: sheets are
    Chinese."""
    with force_locale("zh_Hans_CN"):
        return {str(label): str(getattr(key, "value", key)) for key, label in mapping.items()}


def _add_dropdowns(sheet: Any, kind: Kind) -> None:
    for col, options in dropdowns(kind):
        letter = sheet.cell(row=1, column=col).column_letter
        text = ",".join(options)
        if len(text) > 250:  # Excel's limit for a list written in the rule: name it instead
            lists = sheet.parent["选项"] if "选项" in sheet.parent.sheetnames else None
            if lists is None:
                lists = sheet.parent.create_sheet("选项")
                lists.sheet_state = "hidden"
            for n, option in enumerate(options, start=1):
                lists.cell(row=n, column=col, value=option)
            formula = f"选项!${letter}$1:${letter}${len(options)}"
        else:
            formula = f'"{text}"'
        rule = DataValidation(type="list", formula1=formula, allow_blank=True)
        rule.error = "请从下拉列表中选择"
        rule.add(f"{letter}2:{letter}{excel.MAX_ROWS + 1}")
        sheet.add_data_validation(rule)


def template(kind: Kind) -> Workbook:
    """The kind's empty sheet (headers, drop-downs) and its instructions sheet with one filled
    example row."""
    wb = Workbook()
    sheet = wb.active
    sheet.title = kind.sheet
    write_header(sheet, kind.headers, [c.width for c in kind.columns])
    _add_dropdowns(sheet, kind)
    notes = wb.create_sheet("填写说明")
    write_header(notes, ["列", "说明"], [22, 80])
    lines: list[tuple[str, str]] = []
    for column in kind.columns:
        says = [("必填" if column.required else "选填")]
        if column.key:
            says.append("用于识别记录（再次导入同一记录时按此更新，不会重复）")
        if column.type == "date":
            says.append("日期，如 2024-07-01、2024/7/1 或 2024年7月1日")
        elif column.type == "bool":
            says.append("填“是”或“否”")
        elif column.choices:
            says.append("从下拉列表中选择")
        if column.note:
            says.append(column.note)
        lines.append((column.header, "；".join(says) + "。"))
    lines += list(kind.notes)
    lines.append(
        ("导入规则", "上传后先预览：列出将新增、更新、不变的记录和每一处错误（行号、列、原因）；"
         "确认后才写入。只要有一处错误，就一条也不写入。")
    )  # fmt: skip
    write_rows(notes, lines)
    notes.append([])
    notes.append([f"示例行（请在“{kind.sheet}”表中填写，不要在此表填写）："])
    notes.append(kind.headers)
    write_rows(notes, [list(kind.example)])
    return wb


def dropdowns(kind: Kind) -> list[tuple[int, list[str]]]:
    """(column number, choices) of the kind's drop-down columns."""
    out = []
    for col, column in enumerate(kind.columns, start=1):
        if column.type == "bool":
            out.append((col, ["是", "否"]))
        elif column.choices:
            out.append((col, list(column.choices())))
    return out


def export_workbook(kind: Kind, rows: Iterable[Sequence[Any]]) -> StreamedSheet:
    """Records in the template's columns, with its drop-downs: edited, it imports back. Written
    as the rows come (a city's roster is 15,000 rows)."""
    return streamed_workbook(kind.sheet, kind.headers, [c.width for c in kind.columns], rows,
                             dropdowns(kind))  # fmt: skip


# ---------------------------------------------------------------- reading


class FileRefused(Exception):  # noqa: N818 (the file cannot be read: one message for the person)
    def __init__(self, row: int, column: str, message: str) -> None:
        super().__init__(message)
        self.error = (row, column, message)


OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Excel 97–2003 (.xls), and WPS's .et


# What a file that is no sheet is, by its first bytes, to say so.
NOT_A_SHEET = (
    (b"%PDF", lambda: _("a PDF document")),
    (b"\x89PNG", lambda: _("an image")),
    (b"\xff\xd8\xff", lambda: _("an image")),
    (b"Rar!", lambda: _("a compressed archive")),
    (b"7z\xbc\xaf", lambda: _("a compressed archive")),
    (b"{\\rtf", lambda: _("a Word document")),
)


def read(kind: Kind, stream: Any) -> list[tuple[int, dict[str, Any]]]:
    """The rows of the kind's sheet as (row number, {header: cell}), blank rows left out."""
    required = [c.header for c in kind.columns if c.required]
    return read_table(stream, kind.sheet, kind.headers, required, str(kind.label))


def read_table(
    stream: Any, own: str, headers: Sequence[str], required: Sequence[str], what: str
) -> list[tuple[int, dict[str, Any]]]:
    """The rows of a sheet with these `headers` (the `required` ones in its header row) as
    (row number, {header: cell}), blank rows left out: the sheet named `own` when the file has
    one, else the first. FileRefused, saying what to do, when the file cannot be read.

    Every file a clerk has reads the same, on the page and through the API: .xlsx and .ods
    (checked against the unpacking budget first), .xls (Excel 97–2003) with calamine (a Rust
    reader: a school's 7,000 rows in a tenth of a second, where openpyxl took three), and CSV
    as other systems export it (UTF-8 with or without BOM, GBK/GB 18030; comma or tab)."""
    name, first, height, rows = _sheet(own, stream)
    if height > excel.MAX_ROWS + HEADER_SEARCH:
        raise FileRefused(0, "", str(SheetTooLarge()))
    # Headers compared as written plainly: 依据（赛事及奖项） is 依据(赛事及奖项).
    wanted = [_header_text(h) for h in required]
    header: list[str] | None = None
    number = first - 1
    for number, cells in enumerate(rows, start=first):
        found = [_header_text(c) for c in cells]
        if all(h in found for h in wanted):
            header = found
            break
        if number >= HEADER_SEARCH:
            break
    if header is None:
        raise FileRefused(0, "", _wrong_sheet(what, required, name))
    plain = {h: _header_text(h) for h in headers}
    index = {h: header.index(plain[h]) for h in headers if plain[h] in header}
    out = []
    for number, cells in enumerate(rows, start=number + 1):  # noqa: B020 (continues the count)
        if len(out) >= excel.MAX_ROWS:
            raise FileRefused(0, "", str(SheetTooLarge()))
        values = {h: (cells[i] if i < len(cells) else None) for h, i in index.items()}
        if all(_blank(v) for v in values.values()):
            continue
        out.append((number, values))
    return out


Sheet = tuple[str, int, int, Iterator[list]]  # its name, first row's number, height, rows


def _sheet(own: str, stream: Any) -> Sheet:
    head = stream.read(8)
    stream.seek(0)
    if head.startswith(b"PK\x03\x04") or head.startswith(OLE2):
        return _workbook_rows(own, stream, zipped=head.startswith(b"PK"))
    return _csv_rows(stream, head)


def _workbook_rows(own: str, stream: Any, zipped: bool) -> Sheet:
    """A workbook's sheet: the kind's `own` when it is there (an export has its instructions
    beside it), else the first, whatever it is called."""
    try:
        if zipped:
            inspect_workbook(stream)  # a zip bomb is refused before anything unpacks it
        book = CalamineWorkbook.from_filelike(stream)
        name = own if own in book.sheet_names else book.sheet_names[0]
        sheet = book.get_sheet_by_name(name)
    except SheetTooLarge as err:
        raise FileRefused(0, "", str(err)) from None
    except Exception:  # calamine and zipfile raise many kinds for a file that is not a workbook
        what = _("a zip archive that is no workbook") if zipped else _("an old-format file")
        raise FileRefused(0, "", _unreadable(what)) from None
    first = (sheet.start or (0, 0))[0] + 1  # the sheet's first used row, as Excel numbers it
    return name, first, sheet.height, (cells[:MAX_COLUMNS] for cells in sheet.iter_rows())


def _unreadable(what: str) -> str:
    return _("This file is %(what)s, not a sheet Shuangshi can read. Open it in Excel or WPS and "
             "save it as .xlsx (Excel 工作簿), then upload it again.", what=what)  # fmt: skip


def _csv_rows(stream: Any, head: bytes) -> Sheet:
    """A CSV file's rows, decoded as UTF-8 (with or without its BOM) or else GB 18030 (which
    GBK is part of), split at commas or at tabs, whichever the first line has more of."""
    for magic, what in NOT_A_SHEET:
        if head.startswith(magic):
            raise FileRefused(0, "", _unreadable(what()))
    raw = stream.read(excel.MAX_CSV_BYTES + 1)
    if len(raw) > excel.MAX_CSV_BYTES:
        raise FileRefused(0, "", str(SheetTooLarge()))
    text = None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or "\x00" in text[:4096]:
        raise FileRefused(0, "", _unreadable(_("a file of an unknown kind")))
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    rows = [row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    return "CSV", 1, len(rows), iter(rows)


def height(stream: Any) -> int | None:
    """How many rows the file's first sheet has, in any format `read` takes (None: none)."""
    try:
        return _sheet("", stream)[2]
    except FileRefused:
        return None
    finally:
        stream.seek(0)


def _header_text(cell: Any) -> str:
    # "工号 *" and "工号（必填）" are the same header; so is one with a line break inside.
    text = unicodedata.normalize("NFKC", str(cell or "")).replace("\n", "").strip()
    return re.sub(r"\s*(\*|\(必填\))$", "", text)


def _wrong_sheet(what: str, required: Sequence[str], title: str) -> str:
    return _(
        "The sheet “%(sheet)s” is not a %(kind)s sheet: its first rows have no header row with "
        "the columns %(columns)s. Download the template and copy the rows into it.",
        sheet=title, kind=what, columns="、".join(required),
    )  # fmt: skip


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


YES = {"是", "y", "yes", "true", "1", "√", "✓"}
NO = {"否", "n", "no", "false", "0", "×"}
# The forms clerks type: 2016-09-01, 2016/9/1, 2016.9.1, 2016年9月1日, 20160901.
TYPED_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
TYPED_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


LIST_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def listed(text: str | None) -> list[str]:
    """The values clerks list in one cell (工号 A01、A02 or "A01, A02"): 、 , ， ; / or spaces."""
    return [part for part in LIST_SEPARATORS.split(text or "") if part]


def text_of(value: Any) -> str:
    """A cell as plain text: full-width digits and letters (１３８…, Ｔ００１) read as plain."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return unicodedata.normalize("NFKC", str(value)).strip()


def typed_date(value: Any) -> date | None:
    """A date from a cell as a clerk fills it; None when it is no date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    match = TYPED_DATE.match(text) or (
        re.match(r"^(\d{4})(\d{2})(\d{2})$", text) if len(text) == 8 else None
    )
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def _typed(column: Column, value: Any, choices: dict[str, str] | None) -> Any:
    """The cell's value for its column, or raises ValueError with the message to show."""
    if _blank(value):
        if column.required:
            raise ValueError(_("This cell is required."))
        return False if column.type == "bool" else None
    if column.type == "date":
        day = typed_date(value)
        if day is None:
            raise ValueError(
                _("“%(value)s” is not a date: write it as 2024-07-01.", value=text_of(value))
            )
        return day
    text = text_of(value)
    if column.type == "int":
        if not re.fullmatch(r"-?\d+", text):
            raise ValueError(_("“%(value)s” is not a whole number.", value=text))
        return int(text)
    if column.type == "decimal":
        try:
            return Decimal(text.replace(",", ""))
        except InvalidOperation:
            raise ValueError(_("“%(value)s” is not a number.", value=text)) from None
    if column.type == "bool":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise ValueError(_("Write 是 or 否."))
    if choices is not None:
        offered = list(choices)
        if column.aliases is not None:
            choices = {**column.aliases(), **choices}
        if text in choices:  # labels as `type_rows` keeps them: read as a cell is (NFKC)
            return choices[text]
        if text in choices.values():  # the code itself, as the API and old exports write it
            return text
        raise ValueError(one_of(text, offered))
    return text


def one_of(text: str, allowed: list[str]) -> str:
    shown = allowed if len(allowed) <= 30 else allowed[:30] + ["…"]
    return _(
        "“%(value)s” is not a choice here: write one of %(allowed)s.",
        value=text, allowed="、".join(shown),
    )  # fmt: skip


def type_rows(kind: Kind, rows: list[tuple[int, dict[str, Any]]], ctx: Context) -> list[Row]:
    """Every row with its cells typed. A bad cell is reported; a row with a bad required cell is
    left out, one with bad optional cells goes on to the kind's checks with those cells blank
    (`Row.bad`), so that all of a row's mistakes are listed at once."""
    # Each label compared as a cell is read (NFKC), normalised once for the file: a label with
    # full-width brackets, as a school's own round "…（温州职业技术学院）", is the drop-down's own.
    choices = {c.field: {text_of(label): code for label, code in c.choices().items()}
               for c in kind.columns if c.choices}  # fmt: skip
    keys: dict[tuple[Any, ...], int] = {}
    typed = []
    for number, cells in rows:
        values: dict[str, Any] = {}
        bad, unread = False, set()
        for column in kind.columns:
            if column.header not in cells and not column.required:
                continue
            try:
                values[column.field] = _typed(
                    column, cells.get(column.header), choices.get(column.field)
                )
            except ValueError as err:
                ctx.errors.append((number, column.header, str(err)))
                if column.required:
                    bad = True
                else:
                    unread.add(column.field)
                    values[column.field] = False if column.type == "bool" else None
        if bad:
            continue
        key = tuple(values.get(c.field) for c in kind.columns if c.key)
        if key and key in keys:
            ctx.errors.append(
                (number, kind.key_headers[0],
                 _("The same record as row %(row)d (%(key)s): keep one of the two rows.",
                   row=keys[key], key=" + ".join(str(k) for k in key)))
            )  # fmt: skip
            continue
        keys[key] = number
        typed.append(Row(number, values, frozenset(unread)))
    return typed


# ---------------------------------------------------------------- running


def run(
    kind: Kind,
    stream: Any,
    by: User,
    school: School | None,
    *,
    dry_run: bool = True,
    filename: str = "",
    progress: Callable[[int, int], None] | None = None,
    page: int = 1,
    attachments: bytes | None = None,
) -> Outcome:
    """Check the workbook; unless `dry_run`, write it all when nothing is wrong (the caller's
    transaction commits it). Any problem: the outcome lists them and nothing is written. The
    outcome lists `page` of the rows created or updated (the preview's list)."""
    ctx = Context(kind, by, school, filename)
    outcome = Outcome(kind.key, dry_run, page=page)
    if attachments:
        try:
            ctx.attachments = Attachments(attachments)
        except ValueError as err:
            outcome.errors = [(0, str(kind.attachments or ""), str(err))]
            return outcome
    try:
        cells = read(kind, stream)
    except FileRefused as refused:
        outcome.errors = [refused.error]
        return outcome
    if not cells:
        outcome.errors = [(0, "", _("The sheet has no rows to import."))]
        return outcome
    rows = type_rows(kind, cells, ctx)
    plans = kind.plan(rows, ctx)
    unread = {row.number for row in rows if row.bad}
    plans = [plan for plan in plans if plan.row not in unread]  # checked, never written
    outcome.errors = sorted(
        ctx.errors, key=lambda e: (e[0], kind.headers.index(e[1]) if e[1] in kind.headers else 99)
    )
    for plan in plans:
        setattr(outcome, plan.action, getattr(outcome, plan.action) + 1)
    if not outcome.errors:
        touched = [plan for plan in plans if plan.action != UNCHANGED]
        outcome.rows, outcome.rows_total = import_preview.page_of(kind.columns, rows, touched, page)
    if outcome.errors or dry_run:
        return outcome
    ctx.batch = ImportBatch(
        kind=kind.key,
        school_id=school.id if school else None,
        by_id=by.id,
        filename=filename[:200],
        created=outcome.created,
        updated=outcome.updated,
        unchanged=outcome.unchanged,
    )
    db.session.add(ctx.batch)
    db.session.flush()
    writes = [p for p in plans if p.write is not None and p.action != UNCHANGED]
    with db.session.no_autoflush:  # the file's records go to the database together, at finish
        for done, plan in enumerate(writes, start=1):
            plan.write(ctx)  # type: ignore[misc]
            if progress is not None:
                progress(done, len(writes))
    ctx.finish()
    audit.record(
        "import", ctx.batch, by=by, school_id=school.id if school else None,
        label=f"{kind.label} · {filename}",
        changes={"created": [None, outcome.created], "updated": [None, outcome.updated]},
    )  # fmt: skip
    outcome.batch_id, outcome.tables = ctx.batch.id, ctx.tables
    return outcome


def not_future(ctx: Context, row: Row, *names: str) -> bool:
    """Report a date of the past that lies ahead (historical records happened)."""
    good = True
    for name in names:
        if row[name] is not None and row[name] > today():
            ctx.error(row, name, _("This date is in the future: an import records what happened."))
            good = False
    return good


def provenance(record: Any) -> ImportBatch | None:
    """The import that created `record`, if one did."""
    if record is None or getattr(record, "id", None) is None:
        return None
    table = inspect(record).mapper.local_table.name
    return db.session.scalar(
        select(ImportBatch)
        .join(ImportedRecord, ImportedRecord.batch_id == ImportBatch.id)
        .where(ImportedRecord.record_table == table, ImportedRecord.record_id == record.id)
    )

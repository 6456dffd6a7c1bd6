"""What an import's preview lists before the clerk confirms: the rows it would create or
update, each named by its key columns (工号, 姓名 …) and, for an update, what changes (before →
after), a page at a time. The counts alone did not let a clerk see which rows a file touches."""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

PAGE = 50  # rows on a page of the preview
NAMING_FIELDS = ("name",)  # a column read with the key to name the record (姓名, 团队名称)


class _Column(Protocol):  # what the preview reads of `imports.Column` (imported the other way)
    @property
    def header(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def key(self) -> bool: ...
    @property
    def choices(self) -> Callable[[], dict[str, str]] | None: ...


class _Row(Protocol):  # of `imports.Row`
    number: int

    def __getitem__(self, name: str) -> Any: ...


class _Planned(Protocol):  # of `imports.Planned`
    row: int
    action: str
    changes: dict[str, tuple[Any, Any]]


@dataclass
class PreviewRow:
    row: int  # the sheet's row number
    action: str  # CREATE | UPDATE
    record: str  # "工号 W001 · 姓名 王老师"
    changes: list[tuple[str, str, str]]  # (column, before, after) of an update

    def as_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "action": self.action,
            "record": self.record,
            "changes": [{"column": c, "before": b, "after": a} for c, b, a in self.changes],
        }


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def same(old: Any, new: Any) -> bool:
    """A stored value and a cell's are the same: a code and its enum, a blank and "", 5 and 5.0."""
    old, new = _plain(old), _plain(new)
    if old in (None, "") or new in (None, ""):
        return old in (None, "") and new in (None, "")
    if isinstance(old, Decimal | float) or isinstance(new, Decimal | float):
        if isinstance(old, bool) or isinstance(new, bool):
            return bool(old == new)
        try:
            return Decimal(str(old)) == Decimal(str(new))
        except ArithmeticError:
            return False
    return bool(old == new)


def changed(record: Any, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """What writing `values` onto `record` (an object or a row) would change: field → (now, in
    the file). Empty when the row is the record as it is (the import leaves it unchanged)."""
    out = {}
    for name, new in values.items():
        old = getattr(record, name, None)
        if not same(old, new):
            out[name] = (old, new)
    return out


def _text(value: Any, labels: Mapping[str, str] | None) -> str:
    """A value as the sheet would show it: a drop-down's label, 是/否, a date, a plain number."""
    value = _plain(value)
    if value is None or value == "":
        return "—"
    if labels is not None and str(value) in labels:
        return labels[str(value)]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return "、".join(_text(v, labels) for v in value)
    return str(value)


class _Labels:
    """The drop-downs' labels by code, read once per preview and only for the columns shown."""

    def __init__(self) -> None:
        self._read: dict[str, dict[str, str] | None] = {}

    def of(self, column: _Column) -> dict[str, str] | None:
        if column.field not in self._read:
            choices = column.choices
            self._read[column.field] = (
                {str(code): label for label, code in choices().items()} if choices else None
            )
        return self._read[column.field]


def page_of(
    sheet: Sequence[_Column], rows: Sequence[_Row], touched: Sequence[_Planned], page: int
) -> tuple[list[PreviewRow], int]:
    """The preview's rows on `page` (from 1) of the rows a file creates or updates (`touched`,
    in the sheet's order), and how many there are in all."""
    by_number = {row.number: row for row in rows}
    columns = {c.field: c for c in sheet}
    naming = [c for c in sheet if c.key or c.field in NAMING_FIELDS]
    labels = _Labels()
    shown = []
    start = (max(page, 1) - 1) * PAGE
    for plan in touched[start : start + PAGE]:
        row = by_number[plan.row]
        record = " · ".join(
            f"{c.header} {_text(row[c.field], labels.of(c))}"
            for c in naming
            if row[c.field] not in (None, "")
        )
        changes = [
            (columns[name].header, _text(old, labels.of(columns[name])),
             _text(new, labels.of(columns[name])))
            for name, (old, new) in plan.changes.items()
            if name in columns  # a field the sheet has no column for is not the clerk's
        ]  # fmt: skip
        shown.append(PreviewRow(plan.row, plan.action, record, changes))
    return shown, len(touched)

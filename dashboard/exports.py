"""Excel of every dashboard table and every list behind a number: Chinese headers, numbers as
numbers (ratios as percentages with two decimals, so 87.35 reads as 87.35%). Long lists are
written by a worker."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook

from core import tasks
from core.excel import XLSX, write_header, write_rows
from core.models import Task, User

from .board import Board, build
from .drill import DRILLS, Cell, all_items
from .indicators import CAP, INDICATORS, RATIO, Figure

INLINE_ROWS = 2000
LIST_EXPORT = "dashboard.list_export"


def _number(figure: Figure, value: Decimal | int | None) -> float | int | None:
    if value is None:
        return None
    if figure.indicator.kind in (RATIO, CAP):
        return round(float(Decimal(value) * 100), 2)
    return int(value)


def _headers() -> list[str]:
    out = [_("Scope")]
    for i in INDICATORS:
        unit = " (%)" if i.kind in (RATIO, CAP) else ""
        out += [f"{i.label}{unit}", f"{i.label} · {_('Target')}", f"{i.label} · {_('Status')}"]
    return out


def _row(name: str, figures: dict[str, Figure], board: Board) -> list[Any]:
    row: list[Any] = [name]
    for i in INDICATORS:
        f = figures[i.key]
        status = f.status(board.period)
        row += [
            _number(f, f.value),
            _number(f, f.target),
            str(board.status_labels[status]) if status else "",
        ]
    return row


def board_workbook(board: Board) -> Workbook:
    with force_locale("zh_Hans_CN"):
        wb = Workbook()
        sheet = wb.active
        sheet.title = "指标"
        headers = _headers()
        write_header(sheet, headers, [18] + [14] * (len(headers) - 1))
        rows = [_row(board.scope.name, board.figures, board)]
        rows += [_row(child.name, figs, board) for child, figs in board.children]
        write_rows(sheet, rows)
        notes = wb.create_sheet("口径")
        write_header(notes, ["指标", "统计口径"], [28, 90])
        write_rows(notes, [(str(i.label), str(i.definition)) for i in INDICATORS])
        return wb


def board_file_name(board: Board) -> str:
    return f"{board.scope.name}-{board.period.key}-指标.xlsx"


def list_workbook(board: Board, key: str, progress: Any = None) -> Workbook:
    drill = DRILLS[key]
    with force_locale("zh_Hans_CN"):
        wb = Workbook()
        sheet = wb.active
        sheet.title = "名单"
        write_header(sheet, [str(c) for c in drill.columns], [16] * len(drill.columns))

        def plain():  # type: ignore[no-untyped-def]
            for n, row in enumerate(all_items(drill, board.period, board.scope.school_ids), 1):
                if progress is not None:
                    progress(n)
                yield [c.value if isinstance(c, Cell) else c for c in row]

        write_rows(sheet, plain())
        return wb


def list_file_name(board: Board, key: str) -> str:
    with force_locale("zh_Hans_CN"):
        return f"{board.scope.name}-{board.period.key}-{DRILLS[key].title}.xlsx"


def start_list_export(user: User, board: Board, key: str, total: int) -> Task:
    return tasks.start(
        LIST_EXPORT,
        user,
        {"key": key, "scope": board.scope.key, "period": board.period.key},
        title=f"{board.scope.name} · {board.period.label} · {DRILLS[key].title}",
        total=total,
    )


def run_list_export(task: Task, progress: tasks.Progress) -> tasks.Output:
    board = build(task.started_by, task.params["scope"], task.params["period"])
    buffer = io.BytesIO()
    list_workbook(board, task.params["key"], progress).save(buffer)
    return tasks.Output(list_file_name(board, task.params["key"]), XLSX, buffer.getvalue())

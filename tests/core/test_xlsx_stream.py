"""The streamed export sheet opens in openpyxl (as in Excel) with its values, dates, header and
frozen first row, whatever characters the records hold."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

from openpyxl import load_workbook

from core.excel import streamed_workbook


def test_a_streamed_sheet_reads_back_cell_for_cell() -> None:
    rows = [
        ["T001", "王<小>明 & 李", date(2016, 9, 1), 12, Decimal("3.5"), None, "是"],
        ["T002", "bell\x07 and tab\tkept", datetime(2025, 1, 2, 12, 0), 0, 1.25, "", "否"],
    ] + [[f"T{n:04d}", "张三", date(2020, 1, 1), n, n / 2, None, "否"] for n in range(3, 1203)]
    buffer = io.BytesIO()
    headers = ["工号", "姓名", "入职日期", "月数", "天数", "备注", "专业教师"]
    streamed_workbook("教师名册", headers, [12] * 7, iter(rows)).save(buffer)
    assert zipfile.ZipFile(io.BytesIO(buffer.getvalue())).testzip() is None
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet.title == "教师名册" and sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == headers and sheet["A1"].font.b
    assert [c.value for c in sheet[2]] == [
        "T001", "王<小>明 & 李", datetime(2016, 9, 1), 12, 3.5, None, "是",
    ]  # fmt: skip
    # A control character Excel would refuse is dropped; a tab is kept.
    assert sheet["B3"].value == "bell and tab\tkept"
    assert (
        sheet["C3"].value == datetime(2025, 1, 2, 12, 0)
        and sheet["C2"].number_format == "yyyy-mm-dd"
    )
    assert sheet.max_row == 1203 and sheet["D1203"].value == 1202
    assert sheet.column_dimensions["A"].width == 12

"""Text a user typed stays text in every workbook the product writes: an enterprise named like a
formula is read back by openpyxl as the same string, never as a formula the bureau's Excel runs."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook, load_workbook

from core.excel import write_header, write_rows
from core.models import Role

HOSTILE = ['=HYPERLINK("http://evil.example","点击")', "+1+1", "-2+3", "@SUM(1)", "=1+1"]


def test_write_rows_keeps_formulas_as_text_and_numbers_as_numbers():
    book = Workbook()
    write_header(book.active, ["名称", "数"])
    write_rows(book.active, [[text, 3] for text in HOSTILE])
    buffer = io.BytesIO()
    book.save(buffer)
    read = load_workbook(io.BytesIO(buffer.getvalue())).active
    for row, text in zip(read.iter_rows(min_row=2), HOSTILE, strict=True):
        assert row[0].value == text and row[0].data_type == "s", text
        assert row[1].value == 3 and row[1].data_type == "n"


def test_an_enterprise_named_like_a_formula_is_text_in_the_dashboard_list(
    app, login_as, make_teacher, make_enterprise, make_placement
):  # type: ignore[no-untyped-def]
    teacher = make_teacher()
    enterprise = make_enterprise(name=HOSTILE[0])
    make_placement(teacher, date(2025, 3, 3), enterprise=enterprise)
    page = login_as(role=Role.BUREAU)
    data = page.get("/dashboard/list/enterprise_practice_person_times.xlsx?period=2025").data
    sheet = load_workbook(io.BytesIO(data)).active
    cells = [c for row in sheet.iter_rows(min_row=2) for c in row if c.value == HOSTILE[0]]
    assert cells and all(c.data_type == "s" for c in cells)

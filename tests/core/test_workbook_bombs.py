"""Workbooks read safely: a "zip bomb" (a few MB that unpack to gigabytes of shared strings or of
sheet XML) is refused from its zip directory, with a message naming what to do, before openpyxl
parses a byte of it; an ordinary workbook still imports."""

from __future__ import annotations

import io
import zipfile

import pytest

from core import excel
from core.models import Role

CHUNK = b"<si><t>" + b"A" * 1000 + b"</t></si>"


def bomb(entry: str, megabytes: int, shared_count: int = 1) -> bytes:
    """A real workbook whose `entry` is padded to `megabytes` of highly compressible XML."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["工号", "姓名"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for item in source.infolist():
            if item.filename != entry:
                z.writestr(item, source.read(item))
        with z.open(entry, "w", force_zip64=True) as fh:
            fh.write(f'<sst uniqueCount="{shared_count}">'.encode())
            for _n in range(megabytes * 1024):
                fh.write(CHUNK)
            fh.write(b"</sst>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("entry", "megabytes", "count"),
    [("xl/sharedStrings.xml", 160, 1), ("xl/worksheets/sheet2.xml", 40, 1),
     ("xl/sharedStrings.xml", 1, 50_000_000)],
)  # fmt: skip
def test_a_bomb_is_refused_before_it_is_parsed(  # type: ignore[no-untyped-def]
    app, monkeypatch, entry, megabytes, count
):
    from core import imports
    from teachers.roster import ROSTER

    data = bomb(entry, megabytes, count)
    assert len(data) < 4 * 1024 * 1024  # a few MB on the wire
    parsed = []
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: parsed.append(1))
    monkeypatch.setattr(imports.CalamineWorkbook, "from_filelike", lambda *a: parsed.append(1))
    context = app.test_request_context(headers={"Accept-Language": "zh-CN"})
    with context, pytest.raises(imports.FileRefused) as refused:
        imports.read(ROSTER, io.BytesIO(data))
    assert "拆分" in str(refused.value.error)
    assert not parsed  # refused from the zip directory alone


def test_hr_reads_the_refusal_on_the_import_page(app, login_as, make_user):  # type: ignore[no-untyped-def]
    data = bomb("xl/sharedStrings.xml", 1, 50_000_000)  # small on the wire: not spooled to disk
    hr = login_as(make_user(Role.SCHOOL_HR))
    answer = hr.post("/imports/roster", data={"file": (io.BytesIO(data), "花名册.xlsx")})
    assert "拆分为多个文件" in answer.get_data(as_text=True)


def test_an_ordinary_workbook_passes_the_inspection():
    from openpyxl import Workbook

    book = Workbook()
    for n in range(2000):
        book.active.append([f"T{n:05d}", f"教师{n}", "智能制造系"])
    buffer = io.BytesIO()
    book.save(buffer)
    excel.inspect_workbook(buffer)  # no refusal
    assert buffer.tell() == 0

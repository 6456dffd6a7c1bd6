"""Excel files are read with bounds: a sheet past the row limit is refused with a clear message
before it is read whole, and so is one whose declared size lies."""

from __future__ import annotations

import io
import re
import zipfile

from core import excel
from core.models import Role
from tests.teachers.test_roster import row, sheet, upload


def lying(data: io.BytesIO) -> io.BytesIO:
    """The same workbook, its sheet declaring two rows whatever it holds."""
    source = zipfile.ZipFile(data)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                content = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:P2"', content)
            target.writestr(item, content)
    out.seek(0)
    return out


def test_a_sheet_past_the_limit_is_refused_and_so_is_one_that_lies(
    login_as, make_school, monkeypatch
):
    monkeypatch.setattr(excel, "MAX_ROWS", 3)
    school = make_school()
    page = login_as(role=Role.SCHOOL_HR, school=school)
    five = [row(f"L{n:03d}", f"教师{n}") for n in range(5)]
    refused = upload(page, sheet(five))
    assert refused.status_code == 400
    assert "超过 3 行" in refused.get_data(as_text=True)
    disguised = lying(sheet(five))
    assert excel.sheet_rows(disguised) == 2  # it claims two rows…
    refused = upload(page, disguised)
    assert refused.status_code == 400 and "超过 3 行" in refused.get_data(as_text=True)
    accepted = upload(page, sheet(five[:3]))
    assert accepted.status_code == 302

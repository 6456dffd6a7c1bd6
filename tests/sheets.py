"""Workbooks as clerks fill them, and the two steps of an import (preview, confirm) as a person
takes them on the page."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook


def sheet(rows: list[list], headers: list[str] | None, title: str = "Sheet") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    if headers is not None:
        ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def preview(client: Any, kind: str, data: io.BytesIO, name: str = "表.xlsx", **form: Any) -> Any:
    """Upload a workbook: the page's answer (the preview; nothing written)."""
    return client.post(
        f"/imports/{kind}",
        data={"file": (data, name), **form},
        content_type="multipart/form-data",
    )


def confirm(client: Any, kind: str, page: Any) -> Any:
    """Press 确认导入 on a preview page."""
    token = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True))
    assert token, "the preview offers no confirmation"
    return client.post(f"/imports/{kind}/confirm", data={"token": token.group(1)})


def import_file(client: Any, kind: str, data: io.BytesIO, **form: Any) -> Any:
    """Preview, then confirm: the confirmation's answer (a redirect when it is written)."""
    page = preview(client, kind, data, **form)
    assert page.status_code == 200, page.get_data(as_text=True)[-3000:]
    return confirm(client, kind, page)


def errors_of(page: Any) -> str:
    text = page.get_data(as_text=True)
    return text.split('id="import-errors"')[1] if 'id="import-errors"' in text else ""

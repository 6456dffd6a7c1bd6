"""Excel helpers (openpyxl): styled header rows, downloads, and reading a sheet by its headers."""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from flask import Response
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .xlsx_stream import StreamedSheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="DDE5F0")


def write_header(
    sheet: Worksheet, headers: Sequence[str], widths: Sequence[int] | None = None
) -> None:
    sheet.append(list(headers))
    for col, _title in enumerate(headers, start=1):
        cell = sheet.cell(row=1, column=col)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(vertical="center")
        sheet.column_dimensions[get_column_letter(col)].width = (widths or [14] * len(headers))[
            col - 1
        ]
    sheet.freeze_panes = "A2"


def write_rows(sheet: Worksheet, rows: Iterable[Sequence[Any]]) -> None:
    """Data rows: dates as dates, numbers as numbers, and text as text. openpyxl takes a string
    that starts with "=" for a formula: a name a user typed ("=HYPERLINK(…)") would run in the
    bureau's Excel, so every cell is written as the value it is (OWASP, CSV/formula injection)."""
    for row in rows:
        sheet.append(list(row))
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":  # no export holds a formula: this one is text
                cell.data_type = "s"
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, date | datetime):
                cell.number_format = "yyyy-mm-dd"


def streamed_workbook(
    title: str,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Any]],
    dropdowns: Sequence[tuple[int, Sequence[str]]] = (),
) -> StreamedSheet:
    """A one-sheet workbook written as its rows come, in constant memory (see core.xlsx_stream):
    for exports of thousands of rows. It is saved and downloaded like a Workbook."""
    return StreamedSheet(title, headers, widths, rows, dropdowns)


def download(workbook: Workbook | StreamedSheet, filename: str) -> Response:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = Response(buffer.getvalue(), mimetype=XLSX)
    # RFC 5987 so Chinese file names survive every browser.
    response.headers["Content-Disposition"] = (
        f"attachment; filename=export.xlsx; filename*=UTF-8''{quote(filename)}"
    )
    return response


class SheetError(ValueError):
    pass


MAX_ROWS = 20_000  # a roster or a results sheet of a whole city fits; a larger file is refused
MAX_COLUMNS = 100


class SheetTooLarge(SheetError):
    """Refused before the sheet is read whole; the message is for the person who sent it."""

    def __init__(self, message: str = "") -> None:
        from flask_babel import gettext as _

        super().__init__(
            message
            or _(
                "The sheet has more than %(n)s rows: split it into several files.",
                n=f"{MAX_ROWS:,}",
            )
        )


# What a workbook may unpack to before anything parses it. A city's 20,000-row roster unpacks
# to about 10 MB at a ratio near 10; a "zip bomb" of a few MB unpacks to gigabytes, and 155 MB of
# shared strings (under any ratio a real file has) grew a web worker by 460 MB that it kept.
MAX_ENTRIES = 500
MAX_UNPACKED = 64 * 1024 * 1024  # every entry together, as unpacked
MAX_SHARED_BYTES = 32 * 1024 * 1024  # the shared strings: the part a reader holds whole
MAX_RATIO = 200  # of an entry over 1 MB
MAX_SHARED_STRINGS = MAX_ROWS * MAX_COLUMNS
CHUNK = 1024 * 1024
MAX_CSV_BYTES = 10 * 1024 * 1024  # an upload's limit: 20,000 rows of text fit many times
STRING_ITEM = re.compile(rb"<(?:\w+:)?si[\s>/]")  # one shared string: <si>, <x:si …>
SHARED_COUNT = re.compile(rb'uniqueCount="(\d+)"')


def inspect_workbook(stream: Any) -> None:
    """Refuse a workbook that would unpack to far more than a sheet of MAX_ROWS rows can hold,
    before any reader parses it. Its zip directory is checked first; then every entry is
    unpacked here as a stream, a megabyte at a time (Python's zipfile stops at the declared size
    and checks the CRC, so an entry that lies about its size is refused too), the shared
    strings counted and sized as they come: memory stays at a chunk whatever the file holds."""
    from flask_babel import gettext as _

    too_big = _(
        "This workbook unpacks to far more than a sheet of %(n)s rows: save it again from Excel "
        "(without images or hidden sheets), or split it.",
        n=f"{MAX_ROWS:,}",
    )
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
                raise SheetTooLarge(too_big)
            for entry in entries:
                big = entry.file_size > 1024 * 1024
                if big and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                    raise SheetTooLarge(too_big)
                shared = entry.filename.lower().endswith("sharedstrings.xml")
                if shared and entry.file_size > MAX_SHARED_BYTES:
                    raise SheetTooLarge(too_big)
                if not _unpacks_within(archive, entry, shared):
                    raise SheetTooLarge(too_big)
    except zipfile.BadZipFile as err:
        raise SheetError(str(err)) from None
    except (OSError, EOFError, RuntimeError, NotImplementedError, zlib.error) as err:
        raise SheetError(str(err)) from None  # damaged, encrypted or of an unknown compression
    finally:
        stream.seek(0)


def _unpacks_within(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, shared: bool) -> bool:
    """Unpack `entry` as a stream and say whether it holds what it declares (size, CRC) and, for
    the shared strings, no more than MAX_SHARED_STRINGS of them."""
    count, tail = 0, b""
    with archive.open(entry) as unpacked:
        while chunk := unpacked.read(CHUNK):
            if shared and not count and not tail:  # the head: a reader sizes its table by it
                declared = SHARED_COUNT.search(chunk[:2048])
                if declared and int(declared.group(1)) > MAX_SHARED_STRINGS:
                    return False
            if shared:
                window = tail + chunk
                count += len(STRING_ITEM.findall(window)) - len(STRING_ITEM.findall(tail))
                tail = window[-16:]
                if count > MAX_SHARED_STRINGS:
                    return False
    return True  # zipfile raised BadZipFile had the CRC or the size been wrong


def sheet_rows(stream: Any) -> int | None:
    """The number of rows the first sheet declares (header included), read without loading the
    sheet: enough to decide whether a file is handled at once or in the background. None when
    the file does not say; SheetError when it is not a workbook."""
    inspect_workbook(stream)
    try:
        workbook = load_workbook(stream, read_only=True, data_only=True)
        rows = workbook.worksheets[0].max_row
        workbook.close()
    except Exception as err:  # openpyxl raises many kinds for a broken file
        raise SheetError(str(err)) from None
    finally:
        stream.seek(0)
    return rows

"""A one-sheet .xlsx written row by row straight into its zip entry.

Why not openpyxl here: even in write-only mode it builds a Cell object per value and spends
about 12 µs on each; a city's roster (15,000 teachers × 18 columns) took 3.2 s on our servers.
The sheet of an export is plain (a styled header, text, numbers, dates), so it is written as XML
text here in a tenth of that, in constant memory. openpyxl still writes every workbook that
needs more (drop-downs, several sheets) and reads every sheet; the tests read these files with it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any
from xml.sax.saxutils import escape, quoteattr

from openpyxl.utils import get_column_letter

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
EXCEL_EPOCH = date(1899, 12, 30)
# XML 1.0 forbids most control characters; Excel would refuse the file.
MAX_ROW = 20_001  # drop-downs reach as far as an import reads
ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
</Types>"""  # noqa: E501
ROOT_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
WORKBOOK_RELS = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="{PACKAGE_RELS}">
<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="{RELS}/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="{RELS}/worksheet" Target="worksheets/sheet2.xml"/>
</Relationships>"""
LISTS = "选项"  # the hidden sheet the drop-downs read their choices from
# Styles: 0 plain, 1 date (yyyy-mm-dd), 2 header (bold on the header fill of core.excel).
STYLES = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="{MAIN}">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDE5F0"/><bgColor indexed="64"/></patternFill></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/></cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""  # noqa: E501


def _cell(ref: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float | Decimal):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if isinstance(value, datetime):
        serial = (value - datetime(1899, 12, 30)).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, date):
        return f'<c r="{ref}" s="1"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    text = escape(ILLEGAL.sub("", str(value)))
    return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


class StreamedSheet:
    """Saved like an openpyxl Workbook (`save(stream)`): `core.excel.download` and tasks take it."""

    def __init__(
        self,
        title: str,
        headers: Sequence[str],
        widths: Sequence[int],
        rows: Iterable[Sequence[Any]],
        dropdowns: Sequence[tuple[int, Sequence[str]]] = (),
    ) -> None:
        """`dropdowns`: (column number from 1, its choices) — an exported sheet keeps the
        template's drop-downs, so it can be edited and imported back."""
        self.title, self.headers, self.widths, self.rows = title, headers, widths, rows
        self.dropdowns = list(dropdowns)

    def save(self, stream: IO[bytes]) -> None:
        letters = [get_column_letter(n) for n in range(1, len(self.headers) + 1)]
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("[Content_Types].xml", CONTENT_TYPES)
            archive.writestr("_rels/.rels", ROOT_RELS)
            archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
            archive.writestr("xl/styles.xml", STYLES)
            archive.writestr(
                "xl/workbook.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
                f'<sheet name={quoteattr(self.title[:31])} sheetId="1" r:id="rId1"/>'
                f'<sheet name="{LISTS}" sheetId="2" state="hidden" r:id="rId3"/>'
                f"</sheets></workbook>",
            )
            with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
                sheet.write(self._head(letters).encode())
                buffer: list[str] = []
                for n, row in enumerate(self.rows, start=2):
                    cells = "".join(
                        _cell(f"{letter}{n}", value)
                        for letter, value in zip(letters, row, strict=False)
                    )
                    buffer.append(f'<row r="{n}">{cells}</row>')
                    if len(buffer) >= 500:
                        sheet.write("".join(buffer).encode())
                        buffer.clear()
                sheet.write(
                    (
                        "".join(buffer)
                        + "</sheetData>"
                        + self._validations(letters)
                        + "</worksheet>"
                    ).encode()
                )
            archive.writestr("xl/worksheets/sheet2.xml", self._lists())

    def _validations(self, letters: list[str]) -> str:
        if not self.dropdowns:
            return ""
        rules = "".join(
            f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" '
            f'sqref="{letters[col - 1]}2:{letters[col - 1]}{MAX_ROW}">'
            f"<formula1>{escape(LISTS)}!${get_column_letter(n)}$1:"
            f"${get_column_letter(n)}${max(1, len(choices))}</formula1></dataValidation>"
            for n, (col, choices) in enumerate(self.dropdowns, start=1)
        )
        return f'<dataValidations count="{len(self.dropdowns)}">{rules}</dataValidations>'

    def _lists(self) -> str:
        """The choices of each drop-down, a column each (Excel limits a list written inside the
        rule to 255 characters; a range has no such limit)."""
        longest = max((len(c) for _col, c in self.dropdowns), default=0)
        rows = []
        for r in range(longest):
            cells = "".join(
                _cell(f"{get_column_letter(n)}{r + 1}", choices[r])
                for n, (_col, choices) in enumerate(self.dropdowns, start=1)
                if r < len(choices)
            )
            rows.append(f'<row r="{r + 1}">{cells}</row>')
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(rows)}</sheetData></worksheet>'
        )

    def _head(self, letters: list[str]) -> str:
        cols = "".join(
            f'<col min="{n}" max="{n}" width="{width}" customWidth="1"/>'
            for n, width in enumerate(self.widths, start=1)
        )
        header = "".join(
            f'<c r="{letter}1" s="2" t="inlineStr"><is><t>{escape(str(title))}</t></is></c>'
            for letter, title in zip(letters, self.headers, strict=True)
        )
        return (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{MAIN}" xmlns:r="{RELS}">'
            f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
            f'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            f"<cols>{cols}</cols><sheetData>"
            f'<row r="1">{header}</row>'
        )

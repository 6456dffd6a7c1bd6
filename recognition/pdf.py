"""The teacher development record (个人发展档案) as PDF, with ReportLab's page layout: a profile,
then a table per section, closed by the issuing school with its seal when uploaded (core.seals).
Set in the project's own font (core.pdf); user text goes through `para`, escaped. Certificates
are drawn in `certificates`."""

from __future__ import annotations

import io
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from core import seals
from core.pdf import Seal, font_name, para

from . import certificates


def _styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        "title": ParagraphStyle(
            "title",
            fontName=font,
            fontSize=30,
            leading=40,
            alignment=1,
            textColor=colors.HexColor("#b3261e"),
        ),
        "small": ParagraphStyle(
            "small",
            fontName=font,
            fontSize=10,
            leading=14,
            wordWrap="CJK",
            textColor=colors.HexColor("#5f6b7a"),
        ),
        # A section's heading goes to the page its table starts on, never alone at a foot.
        "h2": ParagraphStyle(
            "h2",
            fontName=font,
            fontSize=14,
            leading=20,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK"),
        "signed": ParagraphStyle(
            "signed", fontName=font, fontSize=12, leading=22, alignment=2, wordWrap="CJK"
        ),
    }


def _frame(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    """A double border round the page, as on a printed certificate."""
    canvas.saveState()
    certificates.frame(canvas, doc.pagesize)
    canvas.restoreState()


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    s = _styles()
    table = Table(
        [[para(c, style=s["cell"]) for c in row] for row in rows],
        colWidths=widths,
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#d9dee5")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef1f5")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _record_page(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    """The record's pages: the border, and who issued it with the page number at the foot."""
    _frame(canvas, doc)
    canvas.saveState()
    canvas.setFont(font_name(), 9)
    canvas.setFillColor(colors.HexColor("#5f6b7a"))
    canvas.drawCentredString(
        doc.pagesize[0] / 2,
        15 * mm,
        f"双师　温州市职业教育教师发展平台　第 {doc.page} 页",
    )
    canvas.restoreState()


def development_record(teacher, sections: dict[str, list[list[str]]], on: date) -> bytes:  # type: ignore[no-untyped-def]
    """个人发展档案: the profile, then each section as a table (first row = headers), closed by
    the school that issues it (with its seal when uploaded) and the day it was printed."""
    s = _styles()
    story: list = [para(f"{teacher.name} 个人发展档案", style=s["title"]), Spacer(1, 6 * mm)]
    story.append(
        para(
            f"{teacher.school.name}　工号 {teacher.staff_no}　{teacher.department}　"
            f"入职 {teacher.hire_date}",
            style=s["small"],
        )
    )
    width = A4[0] - 40 * mm
    for heading, rows in sections.items():
        story.append(para(heading, style=s["h2"]))
        if len(rows) > 1:
            story.append(_table(rows, [width / len(rows[0])] * len(rows[0])))
        else:
            story.append(para("（无）", style=s["small"]))
    seal = seals.image(f"school:{teacher.school.code}", on)  # the seal of the record's date
    stamp_here = "" if seal else "（盖章）"  # where the seal is printed, no stamp is left to press
    issued = [f"出具单位：{teacher.school.name}{stamp_here}", certificates.date_zh(on)]
    closing: list = [para(*issued, style=s["signed"])]
    if seal:
        size = certificates.SEAL_SIZE
        closing.insert(0, Seal(seal, size, dx=width - size - 10 * mm, dy=-size + 6 * mm))
    story += [Spacer(1, 10 * mm), KeepTogether(closing)]
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        title=f"{teacher.name} 个人发展档案",
        author="双师",
    ).build(story, onFirstPage=_record_page, onLaterPages=_record_page)
    return buffer.getvalue()

"""PDF certificates and the teacher development record (个人发展档案), with ReportLab.

Chinese is set in an embedded TrueType CJK font when one is installed (CJK_FONT_PATH, or the usual
Debian paths: fonts-wqy-zenhei, fonts-arphic-uming), else in ReportLab's built-in STSong-Light,
so a certificate is always produced. Paragraphs wrap CJK text.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Kind, Recognition

CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
]
_font: str | None = None


def font_name() -> str:
    """Register the CJK font once; returns its name."""
    global _font
    if _font:
        return _font
    configured = current_app.config.get("CJK_FONT_PATH") or os.environ.get("CJK_FONT_PATH")
    for path in [configured, *CANDIDATES]:
        if path and Path(path).exists():
            try:
                pdfmetrics.registerFont(TTFont("ShuangshiCJK", path, subfontIndex=0))
                _font = "ShuangshiCJK"
                return _font
            except Exception:  # a broken or unsupported file: try the next one
                current_app.logger.warning("could not use the font %s", path)
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    _font = "STSong-Light"
    return _font


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
        "body": ParagraphStyle("body", fontName=font, fontSize=16, leading=28, wordWrap="CJK"),
        "small": ParagraphStyle(
            "small",
            fontName=font,
            fontSize=10,
            leading=14,
            wordWrap="CJK",
            textColor=colors.HexColor("#5f6b7a"),
        ),
        "h2": ParagraphStyle(
            "h2", fontName=font, fontSize=14, leading=20, spaceBefore=8, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK"),
    }


TIER_ZH = {"junior": "初级", "intermediate": "中级", "senior": "高级"}


def _certificate_story(r: Recognition, verify_url: str) -> list:
    s = _styles()
    t = r.teacher
    if r.kind == Kind.D_CLASS:
        title = "温州市 D 类人才认定证书"
        text = (
            f"{t.school.name} {t.name} 同志：依据《温州市职业教育三年行动计划》，因{r.basis}，"
            f"经审核，认定为温州市 {r.tier} 类人才。"
        )
    else:
        title = "“双师型”教师认定证书"
        text = (
            f"{t.school.name} {t.name} 同志：经个人申请、学校审核、教育局认定及公示，"
            f"认定为{TIER_ZH.get(r.tier, r.tier)}“双师型”教师，复核日期为 {r.recheck_due}。"
        )
    return [
        Spacer(1, 18 * mm),
        Paragraph(title, s["title"]),
        Spacer(1, 14 * mm),
        Paragraph(text, s["body"]),
        Spacer(1, 16 * mm),
        Paragraph(f"证书编号：{r.certificate_no}　　认定日期：{r.confirmed_on}", s["body"]),
        Spacer(1, 6 * mm),
        Paragraph(f"验证码：{r.verification_code}（在 {verify_url} 查验真伪）", s["small"]),
        Spacer(1, 10 * mm),
        Paragraph("温州市教育局", s["body"]),
    ]


def certificate(r: Recognition, verify_url: str) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=30 * mm,
        rightMargin=30 * mm,
        title=f"证书 {r.certificate_no}",
        author="双师",
    )
    doc.build(_certificate_story(r, verify_url))
    return buffer.getvalue()


def certificates(
    items: Iterable[tuple[Recognition, str]], on_page: Callable[[int], None] | None = None
) -> bytes:
    """All certificates of a batch in one PDF, a page each; `on_page(n)` follows the rendering."""
    story: list = []
    for n, (r, url) in enumerate(items):
        if n:
            story.append(PageBreak())
        story.extend(_certificate_story(r, url))
    buffer = io.BytesIO()

    def page_done(canvas, doc) -> None:  # type: ignore[no-untyped-def]
        if on_page is not None:
            on_page(doc.page)

    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=30 * mm,
        rightMargin=30 * mm,
        title="认定证书",
        author="双师",
    ).build(story or [Spacer(1, 1)], onFirstPage=page_done, onLaterPages=page_done)
    return buffer.getvalue()


def certificates_zip(items: Iterable[tuple[Recognition, str]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for r, url in items:
            archive.writestr(f"{r.certificate_no}-{r.teacher.name}.pdf", certificate(r, url))
    return buffer.getvalue()


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    s = _styles()
    table = Table(
        [[Paragraph(str(c), s["cell"]) for c in row] for row in rows],
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


def development_record(teacher, sections: dict[str, list[list[str]]]) -> bytes:  # type: ignore[no-untyped-def]
    """个人发展档案: the profile, then each section as a table (first row = headers)."""
    s = _styles()
    story: list = [Paragraph(f"{teacher.name} 个人发展档案", s["title"]), Spacer(1, 6 * mm)]
    story.append(
        Paragraph(
            f"{teacher.school.name} · 工号 {teacher.staff_no} · {teacher.department} · "
            f"入职 {teacher.hire_date}",
            s["small"],
        )
    )
    width = A4[0] - 40 * mm
    for heading, rows in sections.items():
        story.append(Paragraph(heading, s["h2"]))
        if len(rows) > 1:
            story.append(_table(rows, [width / len(rows[0])] * len(rows[0])))
        else:
            story.append(Paragraph("（无）", s["small"]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        title=f"{teacher.name} 个人发展档案",
        author="双师",
    ).build(story)
    return buffer.getvalue()

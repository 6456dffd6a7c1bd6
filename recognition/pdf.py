"""PDF certificates and the teacher development record (个人发展档案), with ReportLab.

Chinese is set in an embedded TrueType CJK font when one is installed (CJK_FONT_PATH, the usual
Debian and Ubuntu paths of fonts-wqy-zenhei, fonts-arphic-uming and fonts-noto-cjk, then any font
fontconfig knows for Chinese), else in ReportLab's built-in STSong-Light, so a certificate is
always produced. ReportLab embeds TrueType outlines only: a font it cannot read (the OpenType/CFF
cut of Noto CJK, say) is skipped for the next. Texts avoid characters the fallback lacks (the
middle dot "·" would print as a box). Paragraphs wrap CJK text.

A certificate is a bordered A4 landscape page: the issuing body, the record's own wording, the
certificate number, a QR code of its /verify address and room for the seal.
"""

from __future__ import annotations

import io
import os
import subprocess
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import current_app
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.extensions import db

from .models import Kind, Recognition

CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora, Arch
]


def _fontconfig_chinese() -> list[str]:
    """Fonts fontconfig knows for Chinese, TrueType first (ReportLab embeds only those)."""
    try:
        found = subprocess.run(
            ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=5
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = sorted({line.split(":")[0].strip() for line in found.splitlines() if line.strip()})
    return sorted(paths, key=lambda p: not p.endswith((".ttf", ".ttc")))


_font: str | None = None


def font_name() -> str:
    """Register the CJK font once; returns its name."""
    global _font
    if _font:
        return _font
    configured = current_app.config.get("CJK_FONT_PATH") or os.environ.get("CJK_FONT_PATH")
    for path in [configured, *CANDIDATES, *_fontconfig_chinese()]:
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
        "issuer": ParagraphStyle(
            "issuer", fontName=font, fontSize=16, leading=30, alignment=1, wordWrap="CJK"
        ),
    }


TIER_ZH = {"junior": "初级", "intermediate": "中级", "senior": "高级"}
ISSUER = "温州市教育局"
BORDER = colors.HexColor("#9c2a20")


def _plain(text: str) -> str:
    """Text the fallback font can set: no middle dot."""
    return text.replace(" · ", "，").replace("·", "，")


def _why(r: Recognition) -> str:
    """The record's own wording of what earned a D-class recognition: the award, once."""
    from competitions.models import Entry

    from .d_class import matching_rule

    entry = db.session.get(Entry, r.source_entry_id) if r.source_entry_id else None
    if entry is None:
        return _plain(r.basis or "")
    competition = entry.event.competition
    rule = matching_rule(competition, entry) or {}
    award = rule.get("label") or str(competition)
    return f"荣获{award}（{competition.year} 年，{entry.event}赛项）"


def _qr(url: str, size: float) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    return drawing


def _frame(canvas, doc) -> None:  # type: ignore[no-untyped-def]
    """A double border round the page, as on a printed certificate."""
    width, height = doc.pagesize
    canvas.saveState()
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)
    canvas.restoreState()


def _certificate_story(r: Recognition, verify_url: str) -> list:
    s = _styles()
    t = r.teacher
    if r.kind == Kind.D_CLASS:
        title = "温州市 D 类人才认定证书"
        text = (
            f"{t.school.name} {t.name} 同志：{_why(r)}，依据《温州市职业教育三年行动计划》，"
            f"经审核，认定为温州市 {r.tier} 类人才。"
        )
    else:
        title = "“双师型”教师认定证书"
        text = (
            f"{t.school.name} {t.name} 同志：经个人申请、学校审核、教育局认定及公示，"
            f"认定为{TIER_ZH.get(r.tier, r.tier)}“双师型”教师，请于 {r.recheck_due} 前复核。"
        )
    verification = Paragraph(
        f"证书编号：{r.certificate_no}<br/>验证码：{r.verification_code}<br/>"
        f"扫码或访问 {verify_url} 查验真伪",
        s["small"],
    )
    issuer = Paragraph(
        f"{ISSUER}<br/>（盖章）<br/>{r.confirmed_on.year} 年 {r.confirmed_on.month} 月 "
        f"{r.confirmed_on.day} 日",
        s["issuer"],
    )
    footer = Table(
        [[_qr(verify_url, 30 * mm), verification, issuer]],
        colWidths=[36 * mm, 110 * mm, 90 * mm],
        rowHeights=[48 * mm],  # the issuer's cell leaves room for the seal
    )
    footer.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return [
        Spacer(1, 12 * mm),
        Paragraph(title, s["title"]),
        Spacer(1, 12 * mm),
        Paragraph(_plain(text), s["body"]),
        Spacer(1, 14 * mm),
        footer,
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
    doc.build(_certificate_story(r, verify_url), onFirstPage=_frame, onLaterPages=_frame)
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
        _frame(canvas, doc)
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


def development_record(teacher, sections: dict[str, list[list[str]]]) -> bytes:  # type: ignore[no-untyped-def]
    """个人发展档案: the profile, then each section as a table (first row = headers)."""
    s = _styles()
    story: list = [Paragraph(f"{teacher.name} 个人发展档案", s["title"]), Spacer(1, 6 * mm)]
    story.append(
        Paragraph(
            f"{teacher.school.name}　工号 {teacher.staff_no}　{teacher.department}　"
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
    ).build(story, onFirstPage=_record_page, onLaterPages=_record_page)
    return buffer.getvalue()

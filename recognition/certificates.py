"""Certificates (认定证书) as PDF: a bordered A4 landscape page drawn straight on the canvas.

Layout: the title, the record's own wording, and a footer of three columns — the QR code of the
certificate's /verify address (drawn as one path), the certificate number and verification code,
and the issuing body with its seal pressed over its name and date when one is uploaded
(core.seals), else "（盖章）" where it is stamped by hand. A whole city's batch is thousands of
pages, so nothing here runs a page-layout engine per page: only the wording is wrapped, by one
Paragraph. Set in the project's font (core.pdf); user text is escaped by `para`.
"""

from __future__ import annotations

import functools
import io
import zipfile
from collections.abc import Callable, Iterable
from datetime import date

from flask_babel import force_locale
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from core import seals
from core.extensions import db
from core.pdf import draw_qr, font_name, para

from .labels import TIER
from .models import Kind, Recognition

PAGE = landscape(A4)
BORDER = colors.HexColor("#9c2a20")
TITLE = colors.HexColor("#b3261e")
GREY = colors.HexColor("#5f6b7a")
MARGIN = 30 * mm
SEAL_SIZE = 40 * mm  # a round official seal is 42 mm across; its image has a margin
QR_SIZE = 30 * mm
ISSUER_X = PAGE[0] - MARGIN - 45 * mm  # the middle of the issuer's column


def date_zh(day: date | None) -> str:
    return f"{day.year} 年 {day.month} 月 {day.day} 日" if day else ""


def _tier(r: Recognition) -> str:
    with force_locale("zh_Hans_CN"):
        return str(TIER.get(r.tier, r.tier))


def _why(r: Recognition) -> str:
    """The record's own wording of what earned a D-class recognition: the award, once."""
    from competitions.models import Entry

    from .d_class import matching_rule

    entry = db.session.get(Entry, r.source_entry_id) if r.source_entry_id else None
    if entry is None:
        return r.basis or ""
    competition = entry.event.competition
    rule = matching_rule(competition, entry) or {}
    award = rule.get("label") or str(competition)
    return f"荣获{award}（{competition.year} 年，{entry.event}赛项）"


def wording(r: Recognition) -> tuple[str, str]:
    """The certificate's title and text."""
    t = r.teacher
    if r.kind == Kind.D_CLASS:
        return "温州市 D 类人才认定证书", (
            f"{t.school.name} {t.name} 同志：{_why(r)}，依据《温州市职业教育三年行动计划》，"
            f"经审核，认定为温州市 {r.tier} 类人才。"
        )
    return "“双师型”教师认定证书", (
        f"{t.school.name} {t.name} 同志：经个人申请、学校审核、教育局认定及公示，"
        f"认定为{_tier(r)}“双师型”教师，请于 {date_zh(r.recheck_due)}前复核。"
    )


@functools.cache
def _body_style(font: str) -> ParagraphStyle:
    return ParagraphStyle("body", fontName=font, fontSize=16, leading=28, wordWrap="CJK")


def frame(canvas: Canvas, size: tuple[float, float] = PAGE) -> None:
    """A double border round the page, as on a printed certificate (the record has it too)."""
    width, height = size
    canvas.setStrokeColor(BORDER)
    canvas.setLineWidth(3)
    canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
    canvas.setLineWidth(0.8)
    canvas.rect(13 * mm, 13 * mm, width - 26 * mm, height - 26 * mm)


def _page(canvas: Canvas, r: Recognition, verify_url: str, seal: ImageReader | None) -> None:
    font = font_name()
    width, height = PAGE
    title, text = wording(r)
    frame(canvas)
    canvas.setFillColor(TITLE)
    canvas.setFont(font, 30)
    canvas.drawCentredString(width / 2, height - 58 * mm, title)
    body = para(text, style=_body_style(font))
    _w, used = body.wrapOn(canvas, width - 2 * MARGIN, 80 * mm)
    body.drawOn(canvas, MARGIN, height - 80 * mm - used)
    # The footer: QR code, certificate number and code, issuer (bottom aligned at 40 mm).
    base = 40 * mm
    draw_qr(canvas, verify_url, MARGIN, base, QR_SIZE)
    canvas.setFillColor(GREY)
    canvas.setFont(font, 10)
    lines = [f"证书编号：{r.certificate_no}", f"验证码：{r.verification_code}",
             f"扫码或访问 {verify_url} 查验真伪"]  # fmt: skip
    for n, line in enumerate(reversed(lines)):
        canvas.drawString(MARGIN + 36 * mm, base + 2 + n * 14, line)
    canvas.setFillColor(colors.black)
    canvas.setFont(font, 16)
    issuer = [seals.issuer_name("city"), date_zh(r.confirmed_on)]
    if seal is None:
        issuer.insert(1, "（盖章）")  # where a seal is printed, no stamp is left to press
    for n, line in enumerate(reversed(issuer)):
        canvas.drawCentredString(ISSUER_X, base + 6 + n * 30, line)
    if seal is not None:  # over the name and the date, as a stamp is pressed
        canvas.drawImage(seal, ISSUER_X - SEAL_SIZE / 2, base - 4 * mm, SEAL_SIZE, SEAL_SIZE,
                         mask="auto")  # fmt: skip


def _canvas(buffer: io.BytesIO, title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=PAGE, pageCompression=1)
    canvas.setTitle(title)
    canvas.setAuthor("双师")
    return canvas


class _Seals:
    """The city's seal in force on each certificate's issue date (a certificate issued before a
    new seal keeps the old one), each read and embedded once per batch."""

    def __init__(self) -> None:
        self._on: dict[date | None, ImageReader | None] = {}

    def of(self, r: Recognition) -> ImageReader | None:
        day = r.confirmed_on
        if day not in self._on:
            image = seals.image("city", day)
            self._on[day] = ImageReader(io.BytesIO(image)) if image else None
        return self._on[day]


def certificate(r: Recognition, verify_url: str) -> bytes:
    """One certificate, with the seal in force on its issue date when there was one."""
    return _one(r, verify_url, _Seals().of(r))


def _one(r: Recognition, verify_url: str, seal: ImageReader | None) -> bytes:
    buffer = io.BytesIO()
    canvas = _canvas(buffer, f"证书 {r.certificate_no}")
    _page(canvas, r, verify_url, seal)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def certificates(
    items: Iterable[tuple[Recognition, str]], on_page: Callable[[int], None] | None = None
) -> bytes:
    """All certificates of a batch in one PDF, a page each (the font and the seal embedded
    once); `on_page(n)` follows the rendering."""
    seals_on = _Seals()
    buffer = io.BytesIO()
    canvas = _canvas(buffer, "认定证书")
    n = 0
    for n, (r, url) in enumerate(items, start=1):
        _page(canvas, r, url, seals_on.of(r))
        canvas.showPage()
        if on_page is not None:
            on_page(n)
    if n == 0:
        canvas.showPage()  # an empty batch is still a (blank) PDF
    canvas.save()
    return buffer.getvalue()


def certificates_zip(items: Iterable[tuple[Recognition, str]]) -> bytes:
    seals_on = _Seals()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for r, url in items:
            archive.writestr(f"{r.certificate_no}-{r.teacher.name}.pdf",
                             _one(r, url, seals_on.of(r)))  # fmt: skip
    return buffer.getvalue()

"""What every PDF of Shuangshi is set and drawn with: the font, escaped text, the QR code, a seal.

The font ships with the project (`core/fonts/wqy-microhei.ttf`, WenQuanYi Micro Hei, Apache 2.0
or GPLv3 with the font exception: licence and authors beside it): a TrueType font ReportLab can
embed, with the CJK of GB 18030's common planes, Latin, digits and the punctuation documents use.
An operator may name another TrueType font in `PDF_FONT`; it is used only if it covers every
character of GB 2312 and printable ASCII, else the shipped font is used and the log says why. No
font is ever picked from the machine: a machine's first Chinese font (Chromium brings
DroidSansFallbackFull.ttf, with no digits or Latin letters) once printed certificates without
their numbers.

Text a person typed is markup to ReportLab's Paragraph (`<img src=…>` would embed a file from the
server's disk): documents build paragraphs with `para`, which escapes each piece, and log a
character the font lacks instead of printing a blank silently.
"""

from __future__ import annotations

import functools
import io
import logging
import threading
from pathlib import Path

from flask import Flask, current_app
from markupsafe import escape
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph

from . import qr

SHIPPED_FONT = Path(__file__).with_name("fonts") / "wqy-microhei.ttf"
SHIPPED_NAME = "ShuangshiCJK"

log = logging.getLogger(__name__)
_lock = threading.Lock()
_chosen: dict[str, str] = {}  # PDF_FONT as configured ("" for none) -> the registered font name


@functools.cache
def required_characters() -> frozenset[str]:
    """What a document may print: printable ASCII and every character of GB 2312 (its 6,763
    hanzi, full-width forms and punctuation such as “”（）：、—…)."""
    chars = {chr(c) for c in range(0x20, 0x7F)}
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes([high, low]).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(chars)


def _lacks(font: TTFont, chars: frozenset[str] | set[str]) -> list[str]:
    cmap = font.face.charToGlyph
    return sorted(c for c in chars if ord(c) not in cmap and not c.isspace())


def font_problem(path: str) -> str | None:
    """Why the TrueType file at `path` cannot set Shuangshi's documents, or None if it can."""
    if not Path(path).is_file():
        return "no such file"
    try:
        font = TTFont("ShuangshiProbe", path, subfontIndex=0)
    except Exception as err:  # a file ReportLab cannot read or embed (CFF outlines, say)
        return f"not an embeddable TrueType font ({err})"
    missing = _lacks(font, required_characters())
    if missing:
        sample = "".join(missing[:20])
        return f"lacks {len(missing)} characters documents print, such as {sample!r}"
    return None


def font_name() -> str:
    """The registered font every document is set in (registered once per configured path)."""
    configured = str(current_app.config.get("PDF_FONT") or "")
    name = _chosen.get(configured)
    if name:
        return name
    with _lock:
        if configured not in _chosen:
            _chosen[configured] = _register(configured)
    return _chosen[configured]


def _register(configured: str) -> str:
    if configured:
        problem = font_problem(configured)
        if problem is None:
            name = f"{SHIPPED_NAME}-{abs(hash(configured)) % 10**8}"
            pdfmetrics.registerFont(TTFont(name, configured, subfontIndex=0))
            log.info("PDF documents are set in %s (PDF_FONT)", configured)
            return name
        log.warning(
            "PDF_FONT %s is not used: %s; documents are set in the shipped font %s",
            configured, problem, SHIPPED_FONT.name,
        )  # fmt: skip
    if SHIPPED_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(SHIPPED_NAME, str(SHIPPED_FONT)))
    log.info("PDF documents are set in the shipped font %s", SHIPPED_FONT.name)
    return SHIPPED_NAME


def check_configured_font(app: Flask) -> None:
    """At start-up: say at once if the configured PDF_FONT will not be used, and why."""
    configured = app.config.get("PDF_FONT")
    if configured and (problem := font_problem(str(configured))):
        app.logger.warning(
            "PDF_FONT %s cannot be used (%s): PDF documents will be set in the shipped font %s",
            configured, problem, SHIPPED_FONT.name,
        )  # fmt: skip


def lacking(text: str) -> list[str]:
    """The characters of `text` the documents' font cannot print."""
    font = pdfmetrics.getFont(font_name())
    return _lacks(font, set(text))


def para(*lines: object, style: ParagraphStyle, markup: str = "<br/>") -> Paragraph:
    """A paragraph of plain text lines, each escaped (user text is never markup), joined by
    line breaks. A character the font lacks is logged: a blank must never go unnoticed."""
    texts = ["" if line is None else str(line) for line in lines]
    missing = lacking("".join(texts))
    if missing:
        log.warning("the PDF font cannot print %r; those characters will be blank", missing)
    return Paragraph(markup.join(str(escape(t)) for t in texts), style)


# The mask pattern of the documents' QR codes: scoring all eight (the standard's advice against
# finder-like patterns) took four fifths of a certificate's time; the checkerboard pattern breaks
# up uniform areas, and readers (zbar in the tests, phones) decode any pattern.
QR_MASK = 0


def draw_qr(canvas: Canvas, data: str, x: float, y: float, size: float) -> None:
    """The QR code of `data` in the square at (x, y) of side `size` (quiet zone included), as one
    filled path in module units: one `re` per run of dark modules, integers only."""
    count, dark = qr.runs(data, mask=QR_MASK)
    module = size / (count + 8)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(module, 0, 0, -module, x + 4 * module, y + size - 4 * module)
    canvas.addLiteral("".join(f"{col} {row} {length} 1 re\n" for row, col, length in dark) + "f")
    canvas.restoreState()


class Seal(Flowable):
    """An issuing body's seal, drawn over its name: a transparent PNG, read once per document.
    Takes no room in the layout (the seal overlaps the text, as a stamp does)."""

    def __init__(self, image: bytes, size: float, dx: float = 0, dy: float = 0) -> None:
        super().__init__()
        self.image = ImageReader(io.BytesIO(image))
        self.size, self.dx, self.dy = size, dx, dy
        self.width = self.height = 0

    def draw(self) -> None:
        self.canv.drawImage(
            self.image, self.dx, self.dy, self.size, self.size, mask="auto",
            preserveAspectRatio=True,
        )  # fmt: skip

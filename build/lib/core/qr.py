"""QR codes: the dark runs of a code, drawn as inline SVG on pages (no image file, no script) and
as one path in PDFs (core.pdf.draw_qr). A phone scans either."""

from __future__ import annotations

from markupsafe import Markup, escape
from reportlab.graphics.barcode import qrencoder


def runs(data: str, mask: int | None = None) -> tuple[int, list[tuple[int, int, int]]]:
    """The code's size in modules and its dark runs as (row, first column, length).

    `mask`: None scores the eight mask patterns and takes the best, as the standard advises (most
    of the time spent); a number uses that pattern, which any reader decodes just as well."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # None: the smallest that fits
    code.addData(data)
    if mask is None:
        code.make()
    else:
        code.version = code.calculate_version()
        code.makeImpl(False, mask)
    n = code.getModuleCount()
    found = []
    for row in range(n):
        col = 0
        while col < n:
            if code.isDark(row, col):
                start = col
                while col < n and code.isDark(row, col):
                    col += 1
                found.append((row, start, col - start))
            else:
                col += 1
    return n, found


def svg(data: str, size: int = 180, label: str = "") -> Markup:
    """The QR code of `data`, one dark rectangle per run of modules, with a quiet zone."""
    n, dark = runs(data)
    rects = "".join(
        f'<rect x="{start}" y="{row}" width="{length}" height="1"/>' for row, start, length in dark
    )
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {n + 8} {n + 8}" '
        f'width="{size}" height="{size}" role="img" aria-label="{escape(label)}" '
        f'shape-rendering="crispEdges"><rect x="-4" y="-4" width="{n + 8}" height="{n + 8}" '
        f'fill="#fff"/><g fill="#000">{rects}</g></svg>'
    )

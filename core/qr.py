"""QR codes drawn as inline SVG (no image file, no script): a phone scans the page's link."""

from __future__ import annotations

from markupsafe import Markup, escape
from reportlab.graphics.barcode import qrencoder


def svg(data: str, size: int = 180, label: str = "") -> Markup:
    """The QR code of `data`, one dark rectangle per run of modules, with a quiet zone."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)  # None: the smallest that fits
    code.addData(data)
    code.make()
    n = code.getModuleCount()
    runs = []
    for row in range(n):
        col = 0
        while col < n:
            if code.isDark(row, col):
                start = col
                while col < n and code.isDark(row, col):
                    col += 1
                runs.append(f'<rect x="{start}" y="{row}" width="{col - start}" height="1"/>')
            else:
                col += 1
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="-4 -4 {n + 8} {n + 8}" '
        f'width="{size}" height="{size}" role="img" aria-label="{escape(label)}" '
        f'shape-rendering="crispEdges"><rect x="-4" y="-4" width="{n + 8}" height="{n + 8}" '
        f'fill="#fff"/><g fill="#000">{"".join(runs)}</g></svg>'
    )

"""The 通报: the PDF notice of a published year's assessment — the ranking table, each county's
items (value, target, weight, score), who published it and when — issued by the city bureau."""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import Response
from flask_babel import format_datetime
from flask_babel import gettext as _
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer

from core.pdf import para

from ..report import grid, issuer_block, styles
from .compute import Table
from .items import plain, shown


def render(table: Table) -> bytes:
    s = styles()
    title = _("Notice of the %(year)s assessment of the counties", year=table.year)
    # Naive UTC, shown in the city's time as the pages show it.
    published = (
        format_datetime(table.published_at, "yyyy-MM-dd HH:mm") if table.published_at else ""
    )
    story: list = [
        para(title, style=s["title"]),
        para(
            _(
                "Published by %(who)s on %(when)s; figures as of %(day)s.",
                who=table.published_by or _("the city bureau"),
                when=published,
                day=table.as_of.isoformat(),
            ),
            style=s["body"],
        ),  # fmt: skip
        Spacer(1, 4 * mm),
        para(_("Ranking"), style=s["h2"]),
    ]
    head = [_("Rank"), _("County")] + [i.label for i in table.items] + [_("Total")]
    rows = [head]
    for c in table.counties:
        rows.append([str(c.rank), c.name] + [f"{c.cells[i.key].score:.2f}" for i in table.items]
                    + [f"{c.total:.2f}"])  # fmt: skip
    weights = [_("Weight"), ""] + [plain(i.weight) for i in table.items]
    rows.append(weights + [plain(sum(i.weight for i in table.items))])
    item_width = (landscape(A4)[0] - 24 * mm - 42 * mm - 20 * mm) / max(1, len(table.items))
    story.append(grid(rows, [12 * mm, 30 * mm] + [item_width] * len(table.items) + [20 * mm],
                      set()))  # fmt: skip
    story.append(Spacer(1, 4 * mm))
    for c in table.counties:
        detail = [[_("Item"), _("Value"), _("Target"), _("Weight"), _("Score")]]
        for i in table.items:
            cell = c.cells[i.key]
            target = ("≤ " if i.is_cap else "") + shown(i, i.target)
            detail.append([i.label, shown(i, cell.value), target, plain(i.weight),
                           f"{cell.score:.2f}"])  # fmt: skip
        detail.append([_("Total"), "", "", "", f"{c.total:.2f}"])
        heading = para(_("%(county)s: rank %(rank)s, %(total)s points", county=c.name,
                         rank=c.rank, total=f"{c.total:.2f}"), style=s["h2"])  # fmt: skip
        story.append(KeepTogether([heading, grid(detail, [90 * mm, 30 * mm, 30 * mm, 20 * mm,
                                                          20 * mm], set())]))  # fmt: skip
    story.append(para(_("Items without a figure score nothing and show as —."), style=s["body"]))
    story.append(KeepTogether([story.pop(), *issuer_block("city")]))
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=12 * mm, bottomMargin=12 * mm, title=title, author="双师",
    ).build(story)  # fmt: skip
    return buffer.getvalue()


def response(table: Table) -> Response:
    name = f"{table.year}年度县（市、区）考核通报.pdf"
    out = Response(render(table), mimetype="application/pdf")
    # RFC 5987 so the Chinese name survives every browser.
    out.headers["Content-Disposition"] = (
        f"attachment; filename=assessment-notice.pdf; filename*=UTF-8''{quote(name)}"
    )
    return out

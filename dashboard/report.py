"""The annual report on the plan, as a PDF (ReportLab, the project's CJK font): the indicators
against their targets, a bar chart drawn with ReportLab's own graphics, and the yearly assessment
table of the counties (article 二十) or schools below: who is behind on what. Made by a worker."""

from __future__ import annotations

import io

from flask_babel import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, SimpleDocTemplate, Spacer, Table, TableStyle

from core import seals, tasks
from core.models import Task, User
from core.pdf import Seal, font_name, para
from core.timeutil import today

from .board import Board, build, shown
from .charts import BARS, furthest_behind
from .indicators import BEHIND, INDICATORS

REPORT = "dashboard.report"


def start(user: User, board: Board) -> Task:
    return tasks.start(
        REPORT,
        user,
        {"scope": board.scope.key, "period": board.period.key},
        title=f"{board.scope.name} · {board.period.label}",
    )


def run_report(task: Task, progress: tasks.Progress) -> tasks.Output:
    board = build(task.started_by, task.params["scope"], task.params["period"], each_school=True)
    progress(0, 3, force=True)
    data = render(board, progress)
    # Named in Chinese like its Excel twin (dashboard.exports), whoever asked for it.
    name = f"{board.scope.name}-{board.period.key}-指标报告.pdf"
    return tasks.Output(name, "application/pdf", data)


def styles() -> dict[str, ParagraphStyle]:
    font = font_name()
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=18, leading=24, spaceAfter=6),
        # A heading goes to the page its table starts on, never alone at a foot.
        "h2": ParagraphStyle(
            "h", fontName=font, fontSize=13, leading=18, spaceBefore=10, keepWithNext=1
        ),
        "body": ParagraphStyle("b", fontName=font, fontSize=9.5, leading=13),
        "cell": ParagraphStyle("c", fontName=font, fontSize=8, leading=10),
        "fact": ParagraphStyle("f", fontName=font, fontSize=10, leading=14),
        "signed": ParagraphStyle("s", fontName=font, fontSize=11, leading=20, alignment=2),
    }


def grid(rows: list[list[str]], widths: list[float], behind: set[tuple[int, int]]) -> Table:
    s = styles()
    table = Table(
        [[para(c, style=s["cell"]) for c in row] for row in rows],
        colWidths=widths,
        repeatRows=1,
    )
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dde5f0")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    style += [("BACKGROUND", cell, cell, colors.HexColor("#fdecea")) for cell in behind]
    table.setStyle(TableStyle(style))
    return table


def _chart(board: Board, key: str) -> Drawing | None:
    """The first indicator's value for each county or school, against the target line; of a
    province's hundreds, those furthest behind (the table below lists them all): a page holds
    `charts.BARS` bars with the heading."""
    if not board.children:
        return None
    figures = furthest_behind([(child.name, figs[key]) for child, figs in board.children])
    values = [float(value) * 100 for _n, value in figures]
    target = board.figures[key].target
    height = 18 * len(values) + 40
    drawing = Drawing(250 * mm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 40 * mm, 20
    chart.width, chart.height = 190 * mm, height - 30
    chart.data = [values]
    chart.categoryAxis.categoryNames = [n[:12] for n, _f in figures]
    chart.categoryAxis.labels.fontName = font_name()
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = 100
    chart.valueAxis.labels.fontName = font_name()  # digits too, in the documents' font
    chart.valueAxis.labels.fontSize = 8
    chart.bars[0].fillColor = colors.HexColor("#3b6fb6")
    drawing.add(chart)
    if target is not None:
        x = chart.x + chart.width * float(target)
        drawing.add(Line(x, 15, x, height - 5, strokeColor=colors.HexColor("#8a5a00"),
                         strokeDashArray=[3, 2]))  # fmt: skip
        drawing.add(String(x + 2, 5, _("target %(value)s", value=f"{float(target) * 100:.0f}%"),
                           fontName=font_name(), fontSize=8))  # fmt: skip
    return drawing


def _title_block(board: Board) -> list:
    """What the report covers: scope, period, the plan it is compared against, the data's day."""
    s = styles()
    facts = [
        (_("Scope"), board.scope.name),
        (_("Period counted"), board.period.label),
        (_("Compared against"), board.period.measured_against),
        (_("Data as of"), board.period.at.isoformat()),
    ]
    table = Table(
        [[para(k, style=s["fact"]), para(v, style=s["fact"])] for k, v in facts],
        colWidths=[32 * mm, 120 * mm],
        hAlign="LEFT",
    )
    table.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#d9dee5"))]))
    return [para(_("Report on the vocational education plan"), style=s["title"]), table]


def issuer_block(issuer: str) -> list:
    """Who issues a document ("city", "county:<code>"), on the day it was made, with that body's
    seal when uploaded."""
    s = styles()
    seal = seals.image(issuer)
    name = seals.issuer_name(issuer)
    # Where the seal is printed, no stamp is left to press.
    line = (
        _("Issued by: %(name)s", name=name) if seal else _("Issued by: %(name)s (seal)", name=name)
    )
    signed = [para(line, today().isoformat(), style=s["signed"])]
    if seal:
        size = 38 * mm
        signed.insert(0, Seal(seal, size, dx=PAGE_WIDTH - size - 10 * mm, dy=-size + 4 * mm))
    return [Spacer(1, 8 * mm), *signed]


PAGE_WIDTH = landscape(A4)[0] - 24 * mm


def render(board: Board, progress: tasks.Progress | None = None) -> bytes:
    s = styles()
    story: list = [
        *_title_block(board),
        Spacer(1, 6),
        para(_("Indicators against the targets"), style=s["h2"]),
    ]
    rows = [[_("Indicator"), _("Value"), _("Target"), _("Status"), _("How it is counted")]]
    behind = set()
    for n, i in enumerate(INDICATORS, start=1):
        f = board.figures[i.key]
        status = board.status(f)
        if status == BEHIND:
            behind.add((3, n))
        rows.append(
            [str(i.label), shown(f), shown(f, f.target) if f.target is not None else "—",
             str(board.status_labels[status]) if status else "—", str(i.definition)]
        )  # fmt: skip
    story.append(grid(rows, [50 * mm, 25 * mm, 25 * mm, 20 * mm, 140 * mm], behind))
    if progress:
        progress(1)
    chart = _chart(board, "dual_qualified_ratio")
    if chart is not None:  # the heading never stays behind on the page before its chart
        heading = _("Dual-qualified share by %(what)s", what=_level(board))
        if len(board.children) > BARS:
            heading = _("Dual-qualified share: the %(n)d %(what)s furthest behind",
                        n=BARS, what=_level(board))  # fmt: skip
        story.append(KeepTogether([para(heading, style=s["h2"]), chart]))
    tables = [(_level(board), board.children)]
    if board.schools:  # a plan's final report assesses each school as well
        tables.append((_("school"), board.schools))
    for level, children in tables:
        if not children:
            continue
        head = [_("School or county")] + [str(i.label) for i in INDICATORS]
        table_rows, marked = [head], set()
        for r, (child, figs) in enumerate(children, start=1):
            row = [child.name]
            for c, i in enumerate(INDICATORS, start=1):
                f = figs[i.key]
                behind_here = f.status(board.period) == BEHIND
                # A plan that has ended is judged: say "not met" in words, not by shade alone.
                late = behind_here and board.period.finished
                row.append(shown(f) + (" " + _("(not met)") if late else ""))
                if behind_here:
                    marked.add((c, r))
            table_rows.append(row)
        heading = para(_("Assessment of each %(what)s", what=level), style=s["h2"])
        table = grid(table_rows, [36 * mm] + [30 * mm] * len(INDICATORS), marked)
        story.append(KeepTogether([heading, table]) if len(table_rows) < 20 else heading)
        if len(table_rows) >= 20:
            story.append(table)  # a long table breaks across pages, its header repeated
        key = _("Shaded: not met.") if board.period.finished else _("Shaded: behind the target.")
        story.append(para(key, style=s["body"]))
    # The issuer's line (and seal) stays with the report's last lines, never alone on a page.
    story.append(
        KeepTogether(
            [story.pop(), *issuer_block(board.scope.key if board.scope.kind != "city" else "city")]
        )
    )
    if progress:
        progress(2)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
        topMargin=12 * mm, bottomMargin=12 * mm, title=_("Report on the vocational education plan"),
        author="双师",
    ).build(story)  # fmt: skip
    return buffer.getvalue()


def _level(board: Board) -> str:
    return _("county") if board.scope.kind == "city" else _("school")

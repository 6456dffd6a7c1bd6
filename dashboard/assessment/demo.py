"""The demo city's assessment of last year, published: the bureau's figures entered for every
county (each with a small evidence PDF), the year published through the service, and an
interview with 鹿城区 (the demo county bureau's) whose two commitments wait in its 待办, one of
them overdue."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from flask_babel import force_locale
from reportlab.pdfgen.canvas import Canvas
from werkzeug.datastructures import FileStorage

from core.demo import DemoContext
from core.pdf import font_name
from core.timeutil import today

from . import compute, services

# Figures the system does not hold, as a county's statistics office would give them.
SPREAD = {"school_building": (0.82, 1.0), "funding": (0.75, 1.0), "vocational_share": (0.38, 0.52)}


def _evidence(title: str) -> FileStorage:
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    canvas.setFont(font_name(), 14)
    canvas.drawString(72, 760, title)
    canvas.save()
    buffer.seek(0)
    return FileStorage(buffer, filename=f"{title}.pdf", content_type="application/pdf")


def build(ctx: DemoContext) -> None:
    with force_locale("zh_Hans_CN"):  # the records it writes are in the city's words
        _build(ctx)


def _build(ctx: DemoContext) -> None:
    bureau, county_bureau = ctx.users["bureau"], ctx.users["bureau_lc"]
    year = today().year - 1
    for county in compute.assessed_counties():
        for item in compute.items_of(year):
            if not item.manual:
                continue
            low, high = SPREAD.get(item.key, (0.6, 1.0))
            value = Decimal(str(round(ctx.rng.uniform(low, high), 4)))
            evidence = _evidence(f"{county.name}{year}年{item.label}")
            services.enter_figure(year, county, item.key, value, evidence, "", bureau)
    services.publish(year, bureau)
    lucheng = county_bureau.county
    table = services.table(year)
    row = table.county(lucheng.code)
    weakest = min(table.items, key=lambda i: row.cells[i.key].score / i.weight) if row else None
    issue = f"{weakest.label}得分偏低" if weakest else "多项指标落后"
    services.record_interview(
        year, lucheng,
        {"held_on": today() - timedelta(days=40),
         "attendees": "市教育局职成教处；鹿城区教育局分管副局长、职成科科长",
         "issues": f"{year}年度考核：{issue}，兼职教师聘任管理需加强。",
         "commitments": [
             {"text": f"制定{weakest.label if weakest else '落后指标'}整改方案并报市局备案",
              "due_on": today() - timedelta(days=10)},
             {"text": "完成全区兼职教师聘任情况专项检查", "due_on": today() + timedelta(days=80)},
         ]},
        bureau,
    )  # fmt: skip
    ctx.echo(f"county assessment: {year} published ({len(table.counties)} counties), an "
             f"interview with {lucheng.name}")  # fmt: skip

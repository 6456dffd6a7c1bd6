"""Closing one plan and entering the next (#24): a year no plan covers is shown without targets
and says so; the administrator enters the next plan on a page; the ended plan's final report is
one click and judges the city, each county and each school."""

from __future__ import annotations

from flask import g
from sqlalchemy import select

from core.extensions import db
from core.models import Role, Task
from core.timeutil import today
from dashboard.indicators import Results
from dashboard.periods import parse_period
from tests.pdftext import shows


def test_a_year_after_the_plan_has_no_targets_until_the_next_plan_is_entered(
    login_as, make_school, make_teacher
):
    school = make_school()
    make_teacher(school=school)
    year = today().year
    assert year > 2025  # the shipped plan has ended
    results = Results(parse_period(str(year)))
    assert results.plan is None and results.figure("dual_qualified_ratio").target is None
    bureau = login_as(role=Role.BUREAU)
    page = bureau.get(f"/dashboard?period={year}").get_data(as_text=True)
    assert f"没有适用于 {year} 的规划（上一个是 2023–2025）" in page
    admin = login_as(role=Role.ADMIN)
    form = admin.get("/dashboard/plans").get_data(as_text=True)
    assert 'value="2026"' in form and 'value="2028"' in form  # the next plan proposed
    refused = admin.post("/dashboard/plans", data={"first_year": "2024", "last_year": "2026",
                                                   "dual_qualified_ratio": "120"})  # fmt: skip
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "2023–2025 规划执行到 2025-12-31" in text
    assert "请输入 0 到 100 之间的百分比" in text
    assert bureau.post("/dashboard/plans", data={"first_year": "2026"}).status_code == 403
    done = admin.post("/dashboard/plans", data={"first_year": "2026", "last_year": "2028",
                                                "dual_qualified_ratio": "92",
                                                "innovation_teams": "60"})  # fmt: skip
    assert done.status_code == 302
    db.session.expire_all()
    g.pop("_rule_versions", None)  # the test's own context read the rule before it changed
    results = Results(parse_period(str(year)))
    assert results.plan is not None and results.plan.name == "2026-2028"
    assert str(results.figure("dual_qualified_ratio").target) == "0.92"
    page = bureau.get(f"/dashboard?period={year}").get_data(as_text=True)
    assert "2026–2028" in page and "没有适用于" not in page
    # The ended plan keeps its own targets and its board.
    old = Results(parse_period("2023-2025"))
    assert old.plan is not None and str(old.figure("dual_qualified_ratio").target) == "0.90"
    listing = bureau.get("/dashboard/plans").get_data(as_text=True)
    assert "2023–2025" in listing and "2026–2028" in listing and "已结束" in listing


def test_the_final_report_judges_the_city_each_county_and_each_school(
    login_as, make_school, make_teacher
):
    a = make_school(name="甲职业学校")
    b = make_school(name="乙职业学校", county="330303")
    make_teacher(school=a)
    make_teacher(school=b)
    bureau = login_as(role=Role.BUREAU)
    listing = bureau.get("/dashboard/plans").get_data(as_text=True)
    assert "最终报告" in listing
    started = bureau.post("/dashboard/report", data={"period": "2023-2025"})
    assert started.status_code == 302
    task = db.session.scalars(select(Task)).one()
    answer = bureau.get(f"/tasks/{task.id}/file")
    pdf = answer.data
    answer.close()
    assert not shows(
        pdf, "各县（市、区）考核情况", "各学校考核情况", "甲职业学校", "乙职业学校", "（未达标）"
    )
    # The ended plan is judged in one word everywhere: its indicator table says 未达标 too,
    # never 进度落后 (behind schedule), and so do the API and the board of the plan.
    from tests import pdftext

    assert "进度落后" not in pdftext.text(pdf)
    board = bureau.get("/dashboard?period=2023-2025").get_data(as_text=True)
    assert "未达标" in board and "进度落后" not in board


def test_a_ratio_reads_the_same_in_a_table_and_a_chart():
    """文成县's participation said 30.2% in the table and 30.1% in the chart: one rounding,
    half up, for both."""
    from decimal import Decimal

    from dashboard.charts import bar_chart, percent_text

    assert percent_text(Decimal("0.3015")) == "30.2%" and percent_text(0.3015) == "30.2%"
    chart = str(bar_chart([("文成县", Decimal("0.3015"))], None, percent=True))
    assert ">30.2%<" in chart

"""The dashboard as people meet it: the board and its lists, the same figures on the page, in the
API, in Excel and in the PDF report; snapshots that can be taken twice; the nightly job and
commands."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, Task, TaskStatus
from core.storage import storage
from dashboard import snapshots
from dashboard.models import IndicatorSnapshot
from tests import pdftext
from tests.dashboard.test_indicators import city  # noqa: F401  (the fixture)


def test_the_bureau_reads_the_board_and_drills_down_to_the_teachers(city, login_as):  # noqa: F811
    page = login_as(role=Role.BUREAU)
    board = page.get("/dashboard?period=2023-2025").get_data(as_text=True)
    assert "“双师型”教师占比" in board and "36.4%" in board  # 4 of 11
    assert "鹿城区" in board and "龙湾区" in board and "未达标" in board  # the plan has ended
    assert "2023–2025 年行动计划" in board
    county = page.get("/dashboard?scope=county:330302&period=2023-2025").get_data(as_text=True)
    assert "甲职校" in county and "乙职校" in county and "丙职校" not in county
    school = page.get("/dashboard?scope=school:SCHA&period=2023-2025").get_data(as_text=True)
    assert "还需 1 名“双师型”教师" in school  # ⌈0.9 × 4⌉ − 3
    listed = page.get(
        "/dashboard/list/dual_qualified_missing?scope=school:SCHA&period=2023-2025"
    ).get_data(as_text=True)
    assert city["ta"][3].name in listed and city["ta"][0].name not in listed
    assert "尚缺条件" in listed and "共 1 条" in listed


def test_hr_sees_the_cards_of_their_school_only(city, login_as, make_user):  # noqa: F811
    hr = login_as(make_user(Role.SCHOOL_HR, school=city["B"]))
    board = hr.get("/dashboard").get_data(as_text=True)
    assert "乙职校" in board and "尚需完成" in board
    assert hr.get("/dashboard?scope=city").status_code == 403
    assert hr.get("/dashboard?scope=school:SCHA").status_code == 403
    assert hr.get("/dashboard/list/dual_qualified_ratio?scope=school:SCHA").status_code == 403
    teacher = login_as(role=Role.TEACHER)
    assert teacher.get("/dashboard").status_code == 403


def test_page_api_excel_and_pdf_agree(city, login_as, api_client, make_user):  # noqa: F811
    bureau = make_user(Role.BUREAU)
    page = login_as(bureau)
    api = api_client(bureau)("GET", "/api/v1/indicators?scope=city&period=2023-2025").json
    figures = api["indicators"]

    html = page.get("/dashboard?period=2023-2025").get_data(as_text=True)
    for key, figure in figures.items():
        card = re.search(rf'data-key="{key}".*?data-value>([^<]+)<', html, re.S)
        assert card is not None, key
        shown = card.group(1).strip()
        expected = (
            f"{figure['value'] * 100:.1f}%"
            if figure["denominator"] is not None
            else f"{figure['value']:,}"
        )
        assert shown == expected, key

    sheet = load_workbook(io.BytesIO(page.get("/dashboard/table.xlsx?period=2023-2025").data))
    rows = list(sheet["指标"].iter_rows(values_only=True))
    header, whole = rows[0], rows[1]
    assert whole[0] == "温州市" and [r[0] for r in rows[1:]] == ["温州市", "鹿城区", "龙湾区"]
    ratio_column = header.index("“双师型”教师占比 (%)")
    assert whole[ratio_column] == round(figures["dual_qualified_ratio"]["value"] * 100, 2)
    practice = header.index("企业实践（人次）")
    assert whole[practice] == figures["enterprise_practice_person_times"]["value"]
    assert isinstance(whole[practice], int)

    started = page.post("/dashboard/report", data={"scope": "city", "period": "2023-2025"})
    task = db.session.scalars(select(Task)).one()
    assert started.location == f"/tasks/{task.id}" and task.status == TaskStatus.DONE
    with storage().open(task.file_key) as fh:
        data = fh.read()
    assert data.startswith(b"%PDF") and task.file_name == "温州市-2023-2025-指标报告.pdf"
    pdftext.hostile_font_present()
    text = pdftext.text(data)
    assert "职业教育三年行动计划实施报告" in text and "36.4%" in text
    assert not pdftext.shows(data, "数据截至 2025-12-31", "对照 2023–2025 年行动计划",
                             "出具单位：温州市教育局（盖章）")  # fmt: skip
    # Every value and target of the indicators' table, as the page shows them …
    for key, figure in figures.items():
        assert _shown(figure, figure["value"]) in text, key
        if figure["target"] is not None:
            assert _shown(figure, figure["target"]) in text, key
    # … and every county's figures in the assessment table, read off its row.
    for county in ("330302", "330303"):
        answer = api_client(bureau)(
            "GET", f"/api/v1/indicators?scope=county:{county}&period=2023-2025"
        )
        name = answer.json["scope_name"]
        row = next(line for line in text.splitlines() if name in line and "%" in line)
        for key, figure in answer.json["indicators"].items():
            assert _shown(figure, figure["value"]) in row, (county, key, row)


def _shown(figure: dict, value: float | int) -> str:
    return f"{value * 100:.1f}%" if figure["denominator"] is not None else f"{value:,}"


def test_every_list_opens_and_exports(city, login_as):  # noqa: F811
    from dashboard.drill import DRILLS

    page = login_as(role=Role.BUREAU)
    for key in DRILLS:
        listed = page.get(f"/dashboard/list/{key}?scope=city&period=2023-2025")
        assert listed.status_code == 200, key
        excel = page.get(f"/dashboard/list/{key}.xlsx?scope=city&period=2023-2025")
        assert excel.status_code == 200, key
        rows = list(load_workbook(io.BytesIO(excel.data)).active.iter_rows(values_only=True))
        assert rows[0][0] in ("教师", "学校", "团体"), key
        if rows[0][0] == "教师":  # a list of teachers carries their staff numbers
            assert rows[0][1] == "工号", key
    placements = page.get("/dashboard/list/enterprise_practice_person_times.xlsx?period=2023-2025")
    rows = list(load_workbook(io.BytesIO(placements.data)).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 3 and all(isinstance(r[6], float | int) for r in rows[1:])
    assert page.get("/dashboard/list/nonsense").status_code == 404


def test_a_long_list_is_exported_in_the_background(city, login_as, monkeypatch):  # noqa: F811
    from dashboard import exports

    monkeypatch.setattr(exports, "INLINE_ROWS", 2)
    page = login_as(role=Role.BUREAU)
    started = page.get("/dashboard/list/dual_qualified_ratio.xlsx?period=2023-2025")
    task = db.session.scalars(select(Task)).one()
    assert started.location == f"/tasks/{task.id}" and task.status == TaskStatus.DONE
    with storage().open(task.file_key) as fh:
        rows = list(load_workbook(io.BytesIO(fh.read())).active.iter_rows(values_only=True))
    assert len(rows) == 1 + 11  # 11 professional teachers, 4 of them dual-qualified
    assert [r[5] for r in rows[1:]].count("是") == 4


def test_snapshots_are_idempotent_and_feed_the_trend(city, runner):  # noqa: F811
    first = snapshots.take(date(2025, 6, 30))
    db.session.commit()
    again = snapshots.take(date(2025, 6, 30))
    db.session.commit()
    assert first == again
    count = select(func.count(IndicatorSnapshot.id))
    assert db.session.scalar(count) == first  # one row per scope, indicator and day
    # city, 2 counties, 3 schools × 9 indicators
    assert first == 6 * 9
    result = runner.invoke(args=["snapshots", "backfill", "--from", "2025-01-01"])
    assert result.exit_code == 0, result.output
    trend = snapshots.trend("county:330302", ["dual_qualified_ratio"])["dual_qualified_ratio"]
    by_day = dict(trend)
    assert float(by_day[date(2025, 1, 31)]) == pytest.approx(2 / 6, abs=1e-4)
    assert float(by_day[date(2025, 6, 30)]) == pytest.approx(3 / 6, abs=1e-4)
    assert runner.invoke(args=["snapshots", "take"]).exit_code == 0
    assert runner.invoke(args=["jobs", "run", "dashboard.snapshots"]).exit_code == 0
    days = select(func.count(func.distinct(IndicatorSnapshot.on)))
    assert db.session.scalar(days) == len({d for d, _v in trend})


def test_home_pages_show_where_each_stands(city, login_as, make_user):  # noqa: F811
    bureau = login_as(role=Role.BUREAU).get("/").get_data(as_text=True)
    assert "温州市 · 行动计划目标进展" in bureau and "打开数据看板" in bureau
    hr = login_as(make_user(Role.SCHOOL_HR, school=city["A"])).get("/").get_data(as_text=True)
    assert "甲职校 · 行动计划目标进展" in hr
    recognised = login_as(make_user(Role.TEACHER, teacher=city["ta"][0])).get("/")
    page = recognised.get_data(as_text=True)
    assert "我的发展进度" in page and "须于 2028-05-01 前复核" in page
    other = login_as(make_user(Role.TEACHER, teacher=city["ta"][3])).get("/").get_data(as_text=True)
    assert "尚未认定" in other


def test_a_board_of_many_counties_or_schools_pages_them_and_charts_the_furthest_behind(
    monkeypatch, make_school, make_user, login_as
):  # type: ignore[no-untyped-def]
    """A province's hundreds of counties: the table a page at a time, the charts (page and PDF)
    the furthest behind (a PDF chart of every county ran off its page)."""
    from dashboard import charts, report, views
    from dashboard.board import build

    for n in range(4):
        make_school(county="330302", name=f"多校{n}")
    monkeypatch.setattr(views.ChildPage, "per_page", 3)
    monkeypatch.setattr(charts, "BARS", 2)
    monkeypatch.setattr(report, "BARS", 2)
    bureau = make_user(Role.BUREAU)
    c = login_as(bureau)
    first = c.get("/dashboard?scope=county:330302").get_data(as_text=True)
    assert 'id="children-paged"' in first and "page=2" in first and "最落后的 2 个" in first
    second = c.get("/dashboard?scope=county:330302&page=2").get_data(as_text=True)
    assert second.count('<tr><td data-label="学校">') == 1
    pdf = report.render(build(bureau, "county:330302", None))
    assert not pdftext.shows(pdf, "“双师型”教师占比：最落后的 2 个学校")

"""The counties' assessment in a browser: the city bureau enters a county's figures with their
evidence (a refused one first), publishes the year after its confirmation, reads the ranking and
records an interview; the county bureau finds the interview in its 待办 and reports on it (every
page checked by axe-core)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from playwright.sync_api import expect

from core import rules
from core.models import Role
from core.timeutil import today
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser
YEAR = today().year
ITEMS = [
    {"key": "teachers_recruited", "measure": "teachers_recruited", "target": 2, "weight": 50},
    {"key": "funding", "measure": "manual", "unit": "ratio", "target": "1.00", "weight": 50},
]


def test_the_bureau_publishes_the_year_and_interviews_a_county(
    page, make_user, make_school, make_teacher, tmp_path
):  # type: ignore[no-untyped-def]
    rules.add_version("county_assessment_items", json.dumps(ITEMS), date(YEAR - 1, 1, 1),
                      "city", "", make_user(Role.ADMIN))  # fmt: skip
    school = make_school(county="330302")
    make_teacher(school=school, hire_date=date(YEAR, 2, 1))
    bureau = make_user(Role.BUREAU)
    county = make_user(Role.BUREAU, county="330302")
    evidence = tmp_path / "经费统计.pdf"
    evidence.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sign_in(page, bureau.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="区县考核").click()
    expect(page.get_by_text("还缺 1 项由教育局录入的数据")).to_be_visible()
    expect(page.get_by_role("button", name="发布考核结果")).to_be_disabled()
    page.get_by_role("link", name="鹿城区").first.click()
    page.get_by_label("数值（百分比）").fill("80")
    page.get_by_role("button", name="保存数据").click()
    expect(page.locator("#funding-evidence-error")).to_have_text("请附上数据来源的证明材料。")
    page.get_by_label("佐证材料（PDF、JPEG 或 PNG）").set_input_files(str(evidence))
    page.get_by_role("button", name="保存数据").click()
    expect(page.get_by_text("数据已保存。")).to_be_visible()
    row = page.locator("#items tr[data-item=funding]")
    expect(row.locator("[data-value]")).to_have_text("80.0%")
    expect(row.locator("[data-score]")).to_have_text("40.00")
    expect(page.locator("#county-total")).to_have_text(
        "65.00 分"
    )  # 1 of 2 recruited: 25; 80% of the funding: 40

    page.get_by_role("link", name=f"{YEAR} 年度县（市、区）考核").click()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="发布考核结果").click()
    expect(page.get_by_text("年度考核已发布：数据已固定")).to_be_visible()
    expect(page.locator("#ranking tr[data-county='330302'] [data-rank]")).to_have_text("1")
    expect(page.get_by_role("link", name="考核通报（PDF）")).to_be_visible()

    page.get_by_role("link", name="鹿城区").first.click()
    page.get_by_text("记录约谈").click()
    page.get_by_label("约谈日期").fill(today().isoformat())
    page.get_by_label("参加人员").fill("市局职成处；鹿城区教育局")
    page.get_by_label("指出的问题").fill("新招聘教师偏少")
    page.get_by_label("承诺 1").fill("制定招聘计划")
    page.locator("#due-1").fill(date(YEAR + 1, 3, 1).isoformat())
    page.get_by_role("button", name="保存约谈记录").click()
    expect(page.get_by_role("heading", name="约谈鹿城区")).to_be_visible()
    expect(page.locator("#interview-status")).to_have_text("待区县报告整改情况")

    page.context.clear_cookies()
    sign_in(page, county.username)
    page.get_by_role("link", name="待报告整改情况的约谈承诺").click()
    page.get_by_role("link", name="鹿城区").click()
    page.get_by_label("完成情况").fill("已报送招聘计划")
    page.get_by_role("button", name="向市教育局报送整改报告").click()
    expect(page.get_by_text("整改报告已报送市教育局。")).to_be_visible()
    expect(page.locator("#interview-status")).to_have_text("待市教育局审阅")


def test_the_ranking_reads_at_1280_px_and_on_a_phone(page, make_user, make_school, make_teacher):  # type: ignore[no-untyped-def]
    """At 1280 px the 合计 column was off-screen (after every item); on a phone the ranking was
    ~7,500 px of cards with no way to find one's own county."""
    import io

    from werkzeug.datastructures import FileStorage

    from core.extensions import db
    from dashboard.assessment import compute, items, services

    # The shipped eight items, the city's three manual figures among them, confirmed.
    rules.add_version("county_assessment_items", json.dumps(items.DEFAULT_ITEMS),
                      date(YEAR - 1, 1, 1), "city", "", make_user(Role.ADMIN))  # fmt: skip
    codes = ["330302", "330303", "330304", "330305", "330381", "330382", "330383", "330324",
             "330326", "330327", "330328", "330329"]  # fmt: skip
    for code in codes:
        make_teacher(school=make_school(county=code), hire_date=date(YEAR, 2, 1))
    bureau = make_user(Role.BUREAU)
    wencheng = make_user(Role.BUREAU, county="330328")
    for county in compute.assessed_counties():
        for key in ("school_building", "funding", "vocational_share"):
            pdf = FileStorage(io.BytesIO(b"%PDF-1.4\n%%EOF\n"), filename="统计.pdf")
            services.enter_figure(YEAR, county, key, "0.9", pdf, "", bureau)
    services.publish(YEAR, bureau)
    db.session.commit()

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, bureau.username)
    page.goto("/assessment")
    total = page.locator("#ranking thead th", has_text="合计")
    box = total.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 1280, box
    # The whole table fits: no sideways scrolling to read a county's items either.
    assert page.locator("#ranking").evaluate(
        "t => t.parentElement.scrollWidth <= t.parentElement.clientWidth"
    )

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, wencheng.username)
    page.goto("/assessment")
    own = page.locator("#own-county")
    expect(own).to_contain_text("文成县：第")
    ranking = page.locator("#ranking").bounding_box()
    assert ranking is not None and ranking["y"] > own.bounding_box()["y"]  # type: ignore[index]
    assert ranking["height"] < 2500, ranking  # rank, county and total: a line or three each
    expect(page.locator("#ranking tr.own")).to_have_attribute("data-county", "330328")


def test_the_city_bureau_imports_the_year_s_figures_with_a_zip(  # type: ignore[no-untyped-def]
    page, make_user, make_school, tmp_path
):
    """36 forms, each with a file, become one workbook and one .zip through the import page."""
    import zipfile

    from openpyxl import Workbook

    rules.add_version("county_assessment_items", json.dumps(ITEMS), date(YEAR - 1, 1, 1),
                      "city", "", make_user(Role.ADMIN))  # fmt: skip
    make_school(county="330302")
    make_school(county="330303")
    bureau = make_user(Role.BUREAU)
    book = Workbook()
    book.active.append(["年度", "区县", "指标", "数值", "证明材料", "备注"])
    for county, value in (("鹿城区", "90%"), ("龙湾区", "85%")):
        book.active.append([YEAR, county, "生均经费达标情况", value, f"{county}.pdf", ""])
    workbook, archive = tmp_path / "考核指标.xlsx", tmp_path / "证明材料.zip"
    book.save(workbook)
    with zipfile.ZipFile(archive, "w") as files:
        for county in ("鹿城区", "龙湾区"):
            files.writestr(f"{county}.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")

    sign_in(page, bureau.username)
    page.goto("/assessment")  # the missing figures lead to the import of all of them
    page.get_by_role(
        "link", name="用一个工作簿导入各区县数据，证明材料打包为 .zip 一并上传"
    ).click()
    page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(workbook))
    page.get_by_label("证明材料（.zip）").set_input_files(str(archive))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#import-rows")).to_contain_text("区县 龙湾区")
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增 2 条")).to_be_visible()
    page.goto(f"/assessment/{YEAR}/counties/330303")
    expect(page.locator("#items tr[data-item=funding] [data-value]")).to_have_text("85.0%")

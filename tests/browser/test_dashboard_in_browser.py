"""The bureau in a browser: from the city's dashboard to a county, a school, and the named
teachers behind its dual-qualified share; then the PDF report from the task page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.browser.test_roster_in_browser import sign_in
from tests.dashboard.test_indicators import city  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser


def test_the_bureau_drills_down_to_the_teachers_behind_a_number(
    page,
    city,  # noqa: F811
    make_user,
    task_worker,
):
    bureau = make_user(Role.BUREAU)
    sign_in(page, bureau.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据看板").click()
    expect(page.get_by_role("heading", name="温州市 · 数据看板")).to_be_visible()
    page.get_by_label("统计期").select_option("2023-2025")  # applies at once
    expect(page.locator('[data-key="dual_qualified_ratio"] [data-value]')).to_have_text("36.4%")

    page.locator("#children").get_by_role("link", name="鹿城区").click()
    expect(page.get_by_role("heading", name="鹿城区 · 数据看板")).to_be_visible()
    page.locator("#children").get_by_role("link", name="甲职校").click()
    expect(page.get_by_role("heading", name="甲职校 · 数据看板")).to_be_visible()
    expect(page.get_by_text("还需 1 名“双师型”教师才能达到目标。")).to_be_visible()

    page.get_by_role("link", name="查看尚未认定的教师").click()
    expect(page.get_by_role("heading", name="尚未认定“双师型”的专业教师")).to_be_visible()
    expect(page.locator("#drill").get_by_role("link", name=city["ta"][3].name)).to_be_visible()
    expect(page.locator("#drill tbody tr")).to_have_count(1)
    with page.expect_download() as excel:
        page.get_by_role("link", name="Excel").click()
    assert excel.value.suggested_filename.endswith(".xlsx")

    page.get_by_role("link", name="‹ 甲职校 · 数据看板").click()
    page.get_by_role("button", name="报告（PDF）").click()
    expect(page.locator(".task-progress [data-role=status]")).to_have_text("已完成", timeout=30000)
    with page.expect_download() as report:
        page.get_by_role("link", name="下载").first.click()
    with open(report.value.path(), "rb") as fh:
        assert fh.read(5) == b"%PDF-"

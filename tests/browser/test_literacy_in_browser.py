"""Digital literacy in a browser: HR opens a round for the school, records a teacher's five
scores, and reads the result in the list (every page checked by axe-core)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_hr_opens_a_round_and_records_a_result(page, make_user, make_school, make_teacher):
    school = make_school()
    teacher = make_teacher(school=school, name="孙素养")
    hr = make_user(Role.SCHOOL_HR, school=school)
    sign_in(page, hr.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="数字素养").click()
    page.get_by_label("测评名称").fill("校内数字素养测评")
    page.get_by_label("开始日期").fill("2026-03-01")
    page.get_by_label("结束日期").fill("2026-06-30")
    page.get_by_role("button", name="开展测评").click()
    expect(page.get_by_role("heading", name="2026 校内数字素养测评")).to_be_visible()
    page.get_by_label("工号").fill(teacher.staff_no)
    for label, score in (("数字化意识", "16"), ("数字技术知识与技能", "15"), ("数字化应用", "17"),
                         ("数字社会责任", "6"), ("专业发展", "15")):  # fmt: skip
        page.get_by_label(label).fill(score)
    page.get_by_role("button", name="记录", exact=True).click()
    expect(page.get_by_text("已录入：孙素养。")).to_be_visible()
    row = page.locator("table tbody tr").filter(has_text="孙素养")
    expect(row.get_by_text("不合格")).to_be_visible()

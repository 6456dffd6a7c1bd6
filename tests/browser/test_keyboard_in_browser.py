"""The placement form by keyboard alone: the enterprise is found and chosen with the arrow keys
(the focus stays in the field), a submit with a missing field lands on a summary of the
problems, focused, whose link takes the focus to the field."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_the_placement_form_by_keyboard(page, teacher_with_account, make_enterprise):
    teacher, user = teacher_with_account()
    make_enterprise(name="温州键盘机械有限公司")
    chosen = make_enterprise(name="温州键盘电子有限公司")
    sign_in(page, user.username)
    page.goto("/placements/new")
    name = page.get_by_label("企业名称")
    name.focus()
    page.keyboard.type("温州键盘")
    options = page.locator("#enterprise-suggestions [role=option]")
    expect(options).to_have_count(2)
    expect(name).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.locator("#enterprise-suggestions [role=option][aria-selected=true]")
    expect(active).to_contain_text("电子")
    expect(name).to_have_attribute("aria-activedescendant", active.get_attribute("id"))
    page.keyboard.press("Enter")
    expect(page.get_by_label("统一社会信用代码")).to_have_value(chosen.credit_code)
    expect(name).to_have_value("温州键盘电子有限公司")
    expect(name).to_be_focused()  # the focus did not drop on choosing
    # Submit with the post left empty: the summary of problems takes the focus.
    page.get_by_label("开始日期").fill("2025-07-07")
    page.get_by_label("结束日期").fill("2025-07-18")
    page.get_by_label("实践天数").fill("10")
    page.get_by_role("button", name="保存草稿").focus()
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("请修改以下各处")
    summary.get_by_role("link").first.press("Enter")
    expect(page.get_by_label("岗位")).to_be_focused()

"""A large roster import in a real browser: the clerk uploads it, sees its progress move without
reloading, leaves, comes back from the top bar and finds the outcome."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from core.models import Role
from tests.browser.test_roster_in_browser import sign_in
from tests.teachers.test_roster import row, sheet

pytestmark = pytest.mark.browser


def test_a_large_import_is_followed_on_the_task_page(
    app, page, make_user, make_school, tmp_path, task_worker
):
    app.config["IMPORT_INLINE_ROWS"] = 3
    try:
        school = make_school(name="温州测试技师学院")
        hr = make_user(Role.SCHOOL_HR, school=school)
        sign_in(page, hr.username)
        big = tmp_path / "big.xlsx"
        big.write_bytes(sheet([row(f"G{n:03d}", f"教师{n}") for n in range(40)]).getvalue())
        page.goto("/imports/roster")
        page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(big))
        page.get_by_role("button", name="检查文件").click()
        expect(page.locator("#count-created")).to_have_text("40")
        page.get_by_role("button", name="确认导入").click()
        expect(page.get_by_text("正在导入")).to_be_visible()
        expect(page.get_by_role("heading", name="导入")).to_be_visible()
        # The page follows the worker on its own and shows the outcome when it is done.
        expect(page.get_by_text("新增")).to_be_visible(timeout=30000)
        expect(page.locator(".facts dd").first).to_have_text("40")

        page.goto("/")
        page.get_by_role("link", name="我的任务").click()
        expect(page.get_by_text("教师名册 · 温州测试技师学院")).to_be_visible()
        page.get_by_role("link", name="导入", exact=True).first.click()
        page.get_by_role("link", name="查看导入的记录").click()
        expect(page.get_by_role("link", name="教师0", exact=True)).to_be_visible()
    finally:
        app.config["IMPORT_INLINE_ROWS"] = 300

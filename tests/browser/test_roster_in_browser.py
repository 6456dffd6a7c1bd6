"""What a new HR user does in a real browser: sign in, import the roster from Excel, find a
teacher, export the list, switch to English."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.models import Role
from tests.conftest import PASSWORD
from tests.teachers.test_roster import row, sheet

pytestmark = pytest.mark.browser


def workbook(download):  # type: ignore[no-untyped-def]
    """A downloaded workbook (Playwright saves downloads without a file extension)."""
    with open(download.path(), "rb") as fh:
        return load_workbook(io.BytesIO(fh.read()))


def sign_in(page, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_hr_imports_the_roster_and_exports_it_again(page, make_user, make_school, tmp_path):
    school = make_school(name="温州测试技师学院")
    hr = make_user(Role.SCHOOL_HR, school=school)
    sign_in(page, hr.username)
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="教师", exact=True
    ).click()
    expect(page.get_by_text("尚无教师")).to_be_visible()

    page.get_by_role("link", name="从 Excel 导入").first.click()
    with page.expect_download() as template:
        page.get_by_role("link", name="下载模板").click()
    assert workbook(template.value).sheetnames == ["教师名册", "填写说明"]

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(sheet([row("B001", "错行", 性别="未知")]).getvalue())
    page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(bad))
    page.get_by_role("button", name="检查文件").click()
    expect(page.get_by_text("未导入任何数据")).to_be_visible()
    expect(page.locator("#import-errors").get_by_text("性别")).to_be_visible()
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)

    # The dry run: what would happen, nothing written; then the confirmation writes it.
    good = tmp_path / "good.xlsx"
    good.write_bytes(
        sheet([row("G001", "王小明"), row("G002", "李小红", 性别="女", 职称="高级讲师")]).getvalue()
    )
    page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(good))
    page.get_by_role("button", name="检查文件").click()
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#import-rows tbody tr")).to_have_count(2)  # which rows, not a count alone
    expect(page.locator("#import-rows")).to_contain_text("工号 G002 · 姓名 李小红")
    page.goto("/teachers")
    expect(page.get_by_text("尚无教师")).to_be_visible()  # the preview wrote nothing
    page.go_back()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("导入完成：新增 2 条，更新 0 条，0 条无变化。")).to_be_visible()

    page.get_by_placeholder("姓名或工号").fill("小红")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_role("link", name="李小红")).to_be_visible()
    expect(page.get_by_role("link", name="王小明")).to_have_count(0)

    with page.expect_download() as export:
        page.get_by_role("link", name="导出当前名单").click()
    rows = list(workbook(export.value).active.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in rows] == ["李小红"]

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Teachers")).to_be_visible()
    expect(page.get_by_role("link", name="李小红")).to_be_visible()


def test_recording_a_departure_asks_for_confirmation(page, make_user, make_teacher):
    teacher = make_teacher(name="赵离职")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    sign_in(page, hr.username)
    page.goto(f"/teachers/{teacher.id}")
    page.get_by_text("登记该教师离职").click()
    page.get_by_label("离职日期").fill("2026-07-01")
    dialogs = []
    page.once("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("button", name="登记离职").click()
    assert dialogs and "赵离职" in dialogs[0]
    assert page.get_by_text("在职", exact=True).is_visible()  # dismissed: nothing changed
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="登记离职").click()
    expect(page.get_by_text("已记录 赵离职 离职。")).to_be_visible()


def test_the_menu_folds_away_on_a_phone(chromium, live_server, make_user):
    context = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, make_user(Role.SCHOOL_HR).username)
        nav = page.get_by_role("navigation", name="主导航")
        expect(nav).to_be_hidden()
        page.get_by_role("button", name="菜单").click()
        expect(nav.get_by_role("link", name="教师", exact=True)).to_be_visible()
    finally:
        context.close()


def test_hr_imports_the_roster_from_each_file_an_office_saves(
    page, make_user, make_school, tmp_path
):  # type: ignore[no-untyped-def]
    """An .xlsx saved by LibreOffice, an .xls, an .ods and a GBK CSV, each through the page:
    previewed with its two teachers, and the CSV confirmed."""
    from pathlib import Path

    from tests.teachers.test_roster import _csv

    fixtures = Path(__file__).resolve().parents[1] / "fixtures"
    school = make_school(name="温州格式职业学校")
    sign_in(page, make_user(Role.SCHOOL_HR, school=school).username)
    gbk = tmp_path / "名册.csv"
    gbk.write_bytes(_csv([row("C001", "郑七"), row("C002", "王八")], "gbk").getvalue())
    files = [fixtures / f"roster-libreoffice.{ext}" for ext in ("xlsx", "xls", "ods")] + [gbk]
    for file in files:
        page.goto("/imports/roster")
        page.get_by_label("文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(file))
        page.get_by_role("button", name="检查文件").click()
        expect(page.locator("#count-created")).to_have_text("2")
        expect(page.get_by_role("button", name="确认导入")).to_be_visible()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("郑七")).to_be_visible()
    expect(page.get_by_text("王八")).to_be_visible()

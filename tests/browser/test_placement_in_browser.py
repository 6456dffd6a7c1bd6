"""The whole of enterprise practice in a browser: a teacher logs and submits a placement with
evidence, the mentor confirms through the link, HR approves, and the ledger shows the days."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from core import accounts
from core.models import Role
from tests.browser.test_roster_in_browser import sign_in
from tests.placements.conftest import valid_code

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_log_confirm_approve_and_see_the_total(
    chromium, live_server, page, teacher_with_account, make_user, tmp_path, app
):
    teacher, user = teacher_with_account(
        name="黄实践", hire_date=__import__("datetime").date(2015, 9, 1)
    )
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    _token, api_token = accounts.create_token(hr, "check")
    from core.extensions import db

    db.session.commit()
    teacher_id, user_name, hr_name = teacher.id, user.username, hr.username
    code = valid_code(42)

    sign_in(page, user_name)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="企业实践").click()
    page.get_by_role("link", name="登记企业实践").first.click()
    page.get_by_label("企业名称").fill("温州精工机械有限公司")
    wrong = code[:17] + ("1" if code[17] != "1" else "2")
    page.get_by_label("统一社会信用代码").fill(wrong)  # checked as it is typed
    expect(page.locator("#credit-check")).to_contain_text("校验码不正确")
    page.get_by_label("统一社会信用代码").fill(code)
    expect(page.locator("#credit-check")).to_contain_text("✓")
    page.get_by_label("岗位").fill("数控加工")
    page.get_by_label("开始日期").fill("2025-07-07")
    page.get_by_label("结束日期").fill("2025-07-18")
    page.get_by_label("实践天数").fill("10")
    page.get_by_label("企业指导人员").fill("郑师傅")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存为草稿")).to_be_visible()

    evidence = tmp_path / "协议.pdf"
    evidence.write_bytes(PDF)
    page.get_by_label("文件（PDF、JPEG 或 PNG，最大 10 MB）").set_input_files(str(evidence))
    page.get_by_role("button", name="添加文件").click()
    expect(page.get_by_role("link", name="协议.pdf")).to_be_visible()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.get_by_text("待企业确认", exact=True)).to_be_visible()
    # The link is there at once, with a message ready for WeChat: no second click.
    expect(page.locator("#mentor-message")).to_contain_text("黄实践")
    link = page.locator("code.secret").inner_text()
    page.set_viewport_size({"width": 390, "height": 844})  # as the teacher reads it on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    page.set_viewport_size({"width": 1280, "height": 900})
    # The link stays on the page, with a QR code a mentor's phone can scan.
    page.reload()
    assert page.locator("code.secret").inner_text() == link
    shot = tmp_path / "qr.png"
    page.locator("#mentor-link .qr svg").screenshot(path=str(shot))
    if shutil.which("zbarimg"):
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(shot)], capture_output=True,
                                 text=True)  # fmt: skip
        assert scanned.stdout.strip() == link

    mentor_context = chromium.new_context()
    mentor = mentor_context.new_page()
    mentor.goto(link)
    expect(mentor.get_by_text("黄实践")).to_be_visible()
    mentor.get_by_role("button", name="确认实践").click()
    expect(mentor.get_by_text("您已确认 黄实践 的 10.0 天企业实践")).to_be_visible()
    mentor_context.close()

    page.get_by_role("button", name="退出").click()
    sign_in(page, hr_name)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="企业实践").click()
    page.get_by_role("link", name="温州精工机械有限公司").click()
    expect(page.get_by_text("企业指导人员已确认")).to_be_visible()
    page.get_by_role("button", name="通过", exact=True).click()
    expect(page.get_by_text("没有待审核的记录")).to_be_visible()

    page.goto(f"/teachers/{teacher_id}/practice")
    expect(page.get_by_text("10.0 / 132 天")).to_be_visible()
    page.get_by_role("button", name="列入今年职称申报").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="职称评审").click()
    expect(page.locator("#title-review").get_by_text("差 122.0 天")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.locator("#title-review").get_by_text("122.0 days short")).to_be_visible()

    api = page.request.get(
        f"/api/v1/teachers/{teacher_id}/practice", headers={"Authorization": f"Bearer {api_token}"}
    )
    assert api.json()["days_in_window"] == 10.0

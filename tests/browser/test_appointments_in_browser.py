"""Two HR colleagues fill a school's part-time places in a browser until the cap refuses the
next one, with the numbers shown; ending an appointment frees the place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.models import Role
from core.timeutil import today
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def propose(page, name: str, start: str, end: str, agreement: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/appointments/new")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("出生日期").fill("1982-04-01")
    page.get_by_label("现工作单位").fill("温州正泰电器有限公司")
    page.get_by_label("职称或技能等级").select_option("title_intermediate")
    page.get_by_label("每周小时数").fill("4")
    page.get_by_label("聘期开始").fill(start)
    page.get_by_label("聘期结束").fill(end)
    page.get_by_label("课时费（元/课时）").fill("200")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存为草稿")).to_be_visible()
    page.get_by_label("签署的聘任协议（PDF）").set_input_files(agreement)
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_text("协议已上传")).to_be_visible()
    page.get_by_role("button", name="提交审批").click()


def test_two_hr_colleagues_fill_the_places_until_the_cap(
    chromium, live_server, page, make_school, make_teacher, make_user, tmp_path
):
    school = make_school(name="温州测试职业学校")
    for _ in range(7):
        make_teacher(school=school)  # cap = floor(0.30 × 7) = 2
    hr, hr2 = make_user(Role.SCHOOL_HR, school=school), make_user(Role.SCHOOL_HR, school=school)
    db.session.commit()
    names = (hr.username, hr2.username)
    agreement = tmp_path / "协议.pdf"
    agreement.write_bytes(PDF)
    start = today().isoformat()
    end = (today() + timedelta(days=300)).isoformat()

    sign_in(page, names[0])
    for name in ("甲师傅", "乙师傅", "丙师傅"):
        propose(page, name, start, end, str(agreement))
    page.get_by_role("button", name="退出").click()

    sign_in(page, names[1])
    page.on("dialog", lambda d: d.accept())  # approving asks first
    for name in ("甲师傅", "乙师傅"):
        page.goto("/appointments?status=submitted")
        page.get_by_role("link", name=name).click()
        page.get_by_role("button", name="通过", exact=True).click()
        expect(page.get_by_text(f"已通过：{name} 受聘为兼职教师")).to_be_visible()
    page.goto("/appointments?status=submitted")
    page.get_by_role("link", name="丙师傅").click()
    # The cap is already reached for this term: the page says so and approving is disabled.
    expect(page.get_by_role("button", name="通过", exact=True)).to_be_disabled()
    refusal = page.locator("#cap-refused")
    expect(refusal).to_contain_text("最多 2 人（7 名专业教师的 30%）")
    expect(refusal).to_contain_text("已占用 2 个名额")
    expect(refusal.get_by_role("link", name="甲师傅")).to_be_visible()

    page.goto("/appointments?status=approved")
    page.get_by_role("link", name="甲师傅").click()
    page.get_by_label("最后一天").fill(start)
    page.get_by_label("原因").fill("企业工作调整")
    page.get_by_role("button", name="提前解聘").click()
    expect(page.get_by_text("已提前解聘：甲师傅")).to_be_visible()

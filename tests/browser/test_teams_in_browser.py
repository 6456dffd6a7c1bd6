"""A school applies for a team, the bureau approves it, a batch to Germany is created, two
backbone teachers are nominated, selected, travel and file reports; the counts follow."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.extensions import db
from core.models import Role
from core.timeutil import today
from teachers.teams import stats
from teachers.teams.models import OverseasBatch
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_team_to_germany_and_back(
    chromium, live_server, page, make_school, make_teacher, make_user, tmp_path
):
    school = make_school(county="330302", name="温州测试职院")
    make_teacher(school=school, staff_no="L1", title="senior", name="陈负责")
    backbone = [make_teacher(school=school, staff_no=f"B{n}", name=f"骨干{n}") for n in range(2)]
    for n in range(3):
        make_teacher(school=school, staff_no=f"M{n}")
    users = {
        "hr": make_user(Role.SCHOOL_HR, school=school).username,
        "bureau": make_user(Role.BUREAU).username,
    }
    teachers = {t.name: make_user(Role.TEACHER, teacher=t).username for t in backbone}
    db.session.commit()
    document = tmp_path / "申报书.pdf"
    document.write_bytes(PDF)

    sign_in(page, users["hr"])
    page.goto("/teams/new")
    page.locator("#name").fill("智能制造教学创新团队")
    page.locator("#field").fill("智能制造专业群")
    page.locator("#level_sought").select_option("city")
    page.locator("#leader").fill("L1")
    page.locator("#members").fill("B0*, B1*, M0, M1, M2")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("已保存为草稿")).to_be_visible()
    page.locator("input[type=file]").set_input_files(str(document))
    page.get_by_role("button", name="上传").click()
    page.get_by_role("button", name="申报", exact=True).click()
    team_url = page.url
    page.get_by_role("button", name="退出").click()

    sign_in(page, users["bureau"])
    page.goto(team_url)
    page.locator("#project_no").fill("WZCX2026-01")
    page.locator("#building_start").fill("2026-01-01")
    page.locator("#building_end").fill("2028-12-31")
    page.get_by_role("button", name="立项").click()
    expect(page.get_by_text("已立项", exact=True)).to_be_visible()
    page.goto("/overseas/new")
    page.locator("#theme").fill("双元制职业教育研修")
    page.locator("#country").fill("德国")
    page.locator("#start_date").fill((today() + timedelta(days=30)).isoformat())
    page.locator("#end_date").fill((today() + timedelta(days=50)).isoformat())
    page.locator("#capacity").fill("10")
    page.get_by_label("智能制造教学创新团队").check()
    page.get_by_role("button", name="创建批次").click()
    expect(page.get_by_text("批次已创建")).to_be_visible()
    batch_url = page.url
    page.get_by_role("button", name="退出").click()

    sign_in(page, users["hr"])
    page.goto(batch_url)
    expect(page.get_by_text("优先推荐相关团队的骨干教师")).to_be_visible()
    for staff_no in ("B0", "B1"):
        page.get_by_placeholder("工号").fill(staff_no)
        page.get_by_role("button", name="推荐").click()
    page.get_by_role("button", name="退出").click()

    sign_in(page, users["bureau"])
    page.goto(batch_url)
    for _ in range(2):
        page.get_by_role("button", name="选派").first.click()
        expect(page.locator(".flash-success")).to_contain_text("已入选")
    page.get_by_role("button", name="退出").click()

    # They travel: the batch is over.
    db.session.rollback()
    batch = db.session.query(OverseasBatch).one()
    batch.start_date, batch.end_date = (
        today() - timedelta(days=25),
        today() - timedelta(days=5),
    )
    db.session.commit()
    report = tmp_path / "研修报告.pdf"
    report.write_bytes(PDF)
    for username in teachers.values():
        sign_in(page, username)
        page.goto(batch_url)
        page.get_by_role("button", name="确认参加").click()
        page.locator("#summary").fill("学习了学徒制课程开发。")
        page.locator("input[type=file]").set_input_files(str(report))
        page.get_by_role("button", name="提交研修报告").click()
        expect(page.get_by_text("报告已提交")).to_be_visible()
        page.get_by_role("button", name="退出").click()
    db.session.rollback()
    assert stats.overseas_counts()["city"] == 2 and stats.overseas_counts(by="country")["德国"] == 2
    assert stats.team_counts()["city"] == 1

"""Recognition in a browser: the bureau confirms a D-class recognition from a published national
result and downloads its certificate; a teacher applies for 中级 and is recognised."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from competitions import services as competitions
from competitions.services import EntryPeople
from core.extensions import db
from core.models import Role
from core.timeutil import today
from recognition.models import Recognition
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_bureau_confirms_d_class_and_a_teacher_is_recognised(
    chromium, live_server, page, make_school, make_teacher, make_user, make_placement, task_worker
):
    school = make_school(county="330302", name="温州测试职院")
    organizer = make_user(Role.ORGANIZER)
    winner = make_teacher(
        school=school, name="林一等", qualification_cert_no="2015330001", title="intermediate"
    )
    team = [winner.id] + [make_teacher(school=school).id for _ in range(2)]
    competition = competitions.save_competition(
        {
            "name": "全国职业院校技能大赛教学能力比赛",
            "series": "teaching_ability",
            "level": "national",
            "year": 2025,
            "scheme": "prizes",
        },
        organizer,
    )
    event = competitions.add_event(competition, {"name": "公共基础课程组", "team": True}, organizer)
    entry = competitions.register_entry(event, school, EntryPeople(teachers=team), organizer)
    competitions.record_result(entry, "first", 1, 97, organizer)
    competitions.publish(competition, organizer)
    make_placement(winner, date(2025, 3, 3), date(2025, 6, 6), days=70)
    teacher_user = make_user(Role.TEACHER, teacher=winner)
    hr = make_user(Role.SCHOOL_HR, school=school)
    bureau = make_user(Role.BUREAU, county="330302")
    db.session.commit()
    names = {"teacher": teacher_user.username, "hr": hr.username, "bureau": bureau.username}

    sign_in(page, names["bureau"])
    page.goto("/recognitions?kind=d_class&status=pending")
    page.get_by_role("link", name="林一等").click()
    # Every irreversible decision asks first; the people here mean it.
    page.on("dialog", lambda d: d.accept())
    page.get_by_role("button", name="确认").click()
    expect(page.get_by_text("证书编号 WZD")).to_be_visible()
    pdf = page.request.get(page.get_by_role("link", name="证书（PDF）").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    assert "WZD" in text
    page.get_by_role("button", name="退出").click()

    sign_in(page, names["teacher"])
    page.goto("/recognitions/apply")
    expect(page.get_by_text("可支持中级")).to_be_visible()
    page.locator("form:has(input[value=intermediate]) button").click()
    expect(page.get_by_text("申请已提交学校人事部门")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, names["hr"])
    page.goto("/recognitions?kind=dual_qualified")
    page.get_by_role("link", name="林一等").click()
    page.get_by_role("button", name="审核通过，报教育局").click()
    page.get_by_role("button", name="退出").click()

    sign_in(page, names["bureau"])
    page.goto("/recognitions?kind=dual_qualified")
    page.get_by_role("link", name="林一等").click()
    page.get_by_role("button", name="审定并开始公示").click()
    expect(page.locator(".next-step")).to_contain_text("公示至")
    db.session.rollback()
    r = db.session.query(Recognition).filter_by(kind="dual_qualified").one()
    r.notice_until = today() - timedelta(days=1)  # the five working days have passed
    db.session.commit()
    page.reload()
    page.get_by_role("button", name="认定", exact=True).click()
    expect(page.get_by_text("已认定").first).to_be_visible()
    expect(page.locator(".next-step")).to_contain_text("复核")

    # The bureau prints the year's D-class certificates in one batch, made in the background.
    page.goto("/recognitions?kind=d_class")
    page.get_by_role("button", name="全部证书（ZIP）").click()
    expect(page.get_by_role("heading", name="证书批量生成")).to_be_visible()
    expect(page.get_by_text("D 类人才，共 1 份证书 (ZIP)")).to_be_visible()
    expect(page.locator(".task-progress [data-role=status]")).to_have_text("已完成", timeout=30000)
    page.goto("/tasks")  # later, from the top bar: the file is waiting there
    with page.expect_download() as batch:
        page.get_by_role("link", name="下载").click()
    with zipfile.ZipFile(batch.value.path()) as archive:
        assert [n for n in archive.namelist() if n.endswith("-林一等.pdf")]

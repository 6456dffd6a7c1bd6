"""Hand-overs in a browser: a placement the enterprise confirmed shows at once in HR's bell and
inbox, and the notification leads HR to it; the bureau confirms every pending D-class case at
once and each teacher is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from competitions import services as competitions
from core.extensions import db
from core.models import Role
from core.timeutil import today
from placements import services as placements
from placements.demo import agreement_file
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_hr_sees_a_placement_the_enterprise_confirmed_in_the_bell_and_the_inbox(
    page, teacher_with_account, make_user, make_placement
):
    from decimal import Decimal

    from placements import mentor

    teacher, me = teacher_with_account(name="韩交接")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = today() - timedelta(days=30)
    placement = make_placement(teacher, start, status="draft")
    placements.add_evidence(placement, "agreement", agreement_file(), me)
    placements.transition(placement, "submit", me)
    db.session.commit()
    # Submitted, it is the teacher's to hand to the mentor: in their 待办, not HR's.
    sign_in(page, me.username)
    expect(
        page.locator(".inbox").get_by_role("link", name="1 等待企业确认的企业实践")
    ).to_be_visible()
    page.goto("about:blank")  # nothing of the teacher's page still talking to the server
    page.context.clear_cookies()
    db.session.rollback()
    mentor.confirm(mentor.create_link(placement, me), Decimal(8), "陈工")
    db.session.commit()
    sign_in(page, hr.username)
    expect(page.locator(".topbar .count")).to_have_text("1")
    inbox = page.locator(".inbox")
    expect(inbox.get_by_role("link", name="1 待审核的企业实践")).to_be_visible()
    page.get_by_role("link", name="通知").first.click()
    page.get_by_role("link", name="韩交接").first.click()
    expect(page.get_by_role("button", name="通过", exact=True)).to_be_visible()


def test_the_bureau_confirms_every_pending_case_at_once(
    page,
    national,
    organizer,
    make_user,  # noqa: F811
):
    from recognition.models import Recognition

    bureau = make_user(Role.BUREAU, county="330302")
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    cases = db.session.query(Recognition).filter_by(kind="d_class").all()
    teachers = [make_user(Role.TEACHER, teacher=c.teacher) for c in cases]
    db.session.commit()

    sign_in(page, bureau.username)
    page.locator(".inbox").get_by_role("link", name="待审定的 D 类人才").click()
    page.get_by_label("全选本页").check()
    page.once("dialog", lambda dialog: dialog.accept())  # the confirmation step
    page.get_by_role("button", name="确认所选").click()
    expect(page.get_by_text(f"完成 {len(cases)} 项，拒绝 0 项。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, teachers[0].username)
    expect(page.locator(".topbar .count")).to_have_text("1")
    page.get_by_role("link", name="通知").first.click()
    expect(page.get_by_text("已认定为 D 类人才")).to_be_visible()

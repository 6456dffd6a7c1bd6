"""A hand-over is the product: each step of a workflow tells whoever acts next, at once, in the
same transaction, in their language, with a link to where they act; a refused step tells no one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from competitions import services as competitions
from core.errors import Conflict
from core.extensions import db
from core.models import Notification, Role
from core.notifications import text_of
from core.timeutil import today
from placements import mentor
from placements import services as placements
from placements.demo import agreement_file
from recognition import services as recognitions
from recognition.models import Kind, Recognition
from teachers.appointments import services as appointments
from tests.teachers.test_appointments import submitted


def told(user) -> list[Notification]:  # type: ignore[no-untyped-def]
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def test_a_placement_passes_from_teacher_to_mentor_to_hr_and_back(
    teacher_with_account, make_user, make_placement, login_as
):
    teacher, me = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = today() - timedelta(days=40)
    placement = make_placement(teacher, start, start + timedelta(days=9), days=8, status="draft")
    placements.add_evidence(placement, "agreement", agreement_file(), me)
    placements.transition(placement, "submit", me)
    db.session.commit()
    # Not HR's step yet: it waits for the enterprise, through the teacher's link.
    assert told(hr) == []
    assert "等待企业确认的企业实践" in login_as(me).get("/").get_data(as_text=True)

    token = mentor.create_link(placement, me)
    mentor.confirm(token, Decimal(8), "陈工")
    db.session.commit()
    [note] = told(hr)
    assert note.kind == "placement_confirmed" and note.link == f"/placements/{placement.id}"
    assert teacher.name in text_of(note) and "可以审核通过" in text_of(note)
    bell = login_as(hr).get("/").get_data(as_text=True)
    assert 'class="count"' in bell  # the unread count in the top bar
    assert "待审核的企业实践" in bell
    # The teacher is told in words for them, not HR's.
    mine = told(me)[-1]
    assert mine.kind == "placement_confirmed_yours" and "等待学校审核" in text_of(mine)

    placements.transition(placement, "approve", hr)
    db.session.commit()
    assert told(me)[-1].kind == "placement_approved"
    assert told(hr)[-1].kind == "placement_confirmed"  # HR is not told of their own step


def test_a_refused_step_tells_no_one(teacher_with_account, make_user, make_placement):
    teacher, me = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = today() - timedelta(days=40)
    placement = make_placement(teacher, start, status="submitted")
    before = len(told(me))
    with pytest.raises(Conflict):  # not confirmed by the enterprise yet
        placements.transition(placement, "approve", hr)
    db.session.rollback()
    assert len(told(me)) == before


def test_the_second_hr_and_then_the_bureau_are_told_of_an_appointment(
    school_with_staff,
    make_user,
):
    school, hr, hr2 = school_with_staff(county="330302")
    county_bureau = make_user(Role.BUREAU, county="330302")
    other_county = make_user(Role.BUREAU, county="330381")
    appointments.set_policy(school.county_id, Decimal(0), True, county_bureau)
    appointment = submitted(school, hr)
    assert [n.kind for n in told(hr2)] == ["appointment_submitted"]
    assert told(hr) == []  # the proposer is not told of their own proposal
    appointments.transition(appointment, "approve", hr2)
    db.session.commit()
    assert [n.kind for n in told(county_bureau)] == ["appointment_needs_bureau"]
    assert told(other_county) == []
    appointments.transition(appointment, "approve", county_bureau)
    db.session.commit()
    assert told(hr)[-1].kind == "appointment_approved"
    assert told(hr)[-1].link == f"/appointments/{appointment.id}"


def test_d_class_cases_reach_the_bureau_and_the_decision_reaches_the_teacher(
    national,
    organizer,
    make_user,
):
    bureau = make_user(Role.BUREAU, county="330302")
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    proposed = [n for n in told(bureau) if n.kind == "d_class_proposed"]
    cases = db.session.scalars(select(Recognition).where(Recognition.kind == Kind.D_CLASS)).all()
    assert len(proposed) == len(cases) >= 1
    case = cases[0]
    teacher_user = make_user(Role.TEACHER, teacher=case.teacher)
    recognitions.confirm(case, bureau)
    db.session.commit()
    assert told(teacher_user)[-1].kind == "d_class_confirmed"


def test_a_dual_qualified_application_goes_to_the_school_then_the_bureau(
    teacher_with_account, make_user, make_placement
):
    teacher, me = teacher_with_account(qualification_cert_no="2015330001")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    bureau = make_user(Role.BUREAU)
    make_placement(teacher, date(2025, 3, 3), date(2025, 6, 6), days=70)
    r = recognitions.apply(teacher, "junior", me, note="技能等级证书另附")
    db.session.commit()
    assert told(hr)[-1].kind == "dual_applied"
    recognitions.school_review(r, True, "", hr)
    db.session.commit()
    assert told(bureau)[-1].kind == "dual_school_passed"
    assert told(me)[-1].kind == "dual_school_passed"


def test_each_role_s_inbox_counts_what_waits_for_it(
    teacher_with_account, make_user, make_placement, login_as, school_with_staff
):
    teacher, me = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = today() - timedelta(days=60)
    make_placement(teacher, start, status="confirmed")
    make_placement(teacher, start + timedelta(days=20), status="confirmed")
    make_placement(teacher, start + timedelta(days=40), status="submitted")  # the mentor's turn
    page = login_as(hr).get("/").get_data(as_text=True)
    assert "待办事项" in page and "待审核的企业实践" in page
    assert '<span class="count-badge">2</span> 待审核的企业实践' in page
    mine = login_as(me).get("/").get_data(as_text=True)
    assert '<span class="count-badge">1</span> 等待企业确认的企业实践' in mine
    school, first, second = school_with_staff()
    submitted(school, first)
    waiting = login_as(second).get("/").get_data(as_text=True)
    assert '<span class="count-badge">1</span> 待您审批的兼职教师聘任' in waiting
    assert "待您审批的兼职教师聘任" not in login_as(first).get("/").get_data(as_text=True)
    empty = login_as(role=Role.ORGANIZER).get("/").get_data(as_text=True)
    assert "没有待办事项" in empty


def test_the_bureau_decides_many_cases_at_once_and_each_teacher_is_told(
    national, organizer, make_user, login_as, api_client
):
    bureau = make_user(Role.BUREAU, county="330302")
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    cases = db.session.scalars(select(Recognition).where(Recognition.kind == Kind.D_CLASS)).all()
    users = {c.id: make_user(Role.TEACHER, teacher=c.teacher) for c in cases}
    recognitions.confirm(cases[0], bureau)  # already decided: this one will be refused
    db.session.commit()
    page = login_as(bureau)
    listing = page.get("/recognitions?kind=d_class&status=pending").get_data(as_text=True)
    assert 'name="ids"' in listing and "确认所选" in listing
    result = page.post(
        "/recognitions/bulk",
        data={"ids": [str(c.id) for c in cases], "action": "confirm", "kind": "d_class",
              "status": "pending"},
    )  # fmt: skip
    text = result.get_data(as_text=True)
    assert result.status_code == 200
    assert (
        f"完成 {len(cases) - 1} 项，跳过 1 项（已不在这一步），拒绝 0 项" in text
        and "该记录当前为“已认定”，不能“确认”" in text
    )
    for case in cases[1:]:
        assert told(users[case.id])[-1].kind == "d_class_confirmed"
    empty = page.post("/recognitions/bulk", data={"action": "reject"})
    assert empty.status_code == 303
    call = api_client(bureau)
    assert call("POST", "/api/v1/recognitions/bulk", json={"ids": "1"}).status_code == 400
    body = {"ids": [cases[1].id], "action": "reject", "reason": "重复"}
    answer = call("POST", "/api/v1/recognitions/bulk", json=body).json
    assert answer == {
        "done": [],
        "refused": [{"id": cases[1].id, "reason": answer["refused"][0]["reason"]}],
    }


def test_hr_approves_several_placements_and_a_refusal_stops_only_that_one(
    teacher_with_account, make_user, make_placement, login_as
):
    teacher, me = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = today() - timedelta(days=90)
    ready = make_placement(teacher, start, status="confirmed")
    unconfirmed = make_placement(teacher, start + timedelta(days=20), status="submitted")
    page = login_as(hr)
    result = page.post("/placements/bulk", data={"ids": [str(ready.id), str(unconfirmed.id)]})
    text = result.get_data(as_text=True)
    assert "完成 1 项，拒绝 1 项" in text and "企业尚未确认" in text
    db.session.expire_all()
    assert db.session.get(type(ready), ready.id).status == "approved"
    assert db.session.get(type(ready), unconfirmed.id).status == "submitted"
    assert told(me)[-1].kind == "placement_approved"


def test_hr_s_inbox_counts_title_review_teachers_short_of_practice(
    teacher_with_account, make_user, login_as
):
    from placements import title_review

    teacher, me = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    title_review.declare(teacher, today().year, me)
    db.session.commit()
    page = login_as(hr).get("/").get_data(as_text=True)
    assert '<span class="count-badge">1</span> 今年申报职称评审但企业实践天数不足的教师' in page

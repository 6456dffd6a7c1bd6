"""Part-time teacher appointments: eligibility, two-person approval, the cap (race-free), money
and the daily job."""

from __future__ import annotations

import io
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event
from werkzeug.datastructures import FileStorage

from core.db import unit_of_work
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Notification, Role
from core.timeutil import today
from teachers.appointments import jobs, services
from teachers.appointments.capacity import capacities, capacity
from teachers.appointments.models import Appointment

PDF = b"%PDF-1.4\n%%EOF\n"


def person(**kw):  # type: ignore[no-untyped-def]
    start = kw.pop("term_start", today() - timedelta(days=10))
    data = {
        "name": "郑工",
        "gender": "male",
        "birth_date": date(1980, 5, 1),
        "phone": "",
        "employer": "温州正泰",
        "position": "工程师",
        "qualification": "title_intermediate",
        "field": "电气",
        "exemption": False,
        "exemption_reason": "",
        "courses": "电工基础",
        "hours_per_week": Decimal(4),
        "term_start": start,
        "term_end": start + timedelta(days=364),
        "pay_grade": "二档",
        "hourly_rate": Decimal(200),
    }
    data.update(kw)
    return data


@pytest.fixture
def school_with_staff(make_school, make_teacher, make_user):  # type: ignore[no-untyped-def]
    """A school with `n` professional teachers and two HR users."""

    def make(n: int = 10, county: str = "330302"):  # type: ignore[no-untyped-def]
        school = make_school(county=county)
        for _ in range(n):
            make_teacher(school=school)
        make_teacher(school=school, professional=False)  # public-course: not counted
        return (
            school,
            make_user(Role.SCHOOL_HR, school=school),
            make_user(Role.SCHOOL_HR, school=school),
        )

    return make


def submitted(school, hr, **kw):  # type: ignore[no-untyped-def]
    appointment = services.save_draft(school, person(**kw), hr)
    services.attach_agreement(appointment, FileStorage(io.BytesIO(PDF), filename="协议.pdf"), hr)
    services.transition(appointment, "submit", hr)
    db.session.commit()
    return appointment


def test_eligibility_and_the_master_craftsperson_exemption(app, school_with_staff):
    school, hr, _ = school_with_staff()
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(school, person(qualification="skill_level4"), hr)
    assert "高级工" in err.value.fields["qualification"][0]
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(school, person(birth_date=date(1955, 1, 1)), hr)
    assert "年龄须小于 65" in err.value.fields["qualification"][0]
    with pytest.raises(ValidationFailed):
        services.save_draft(school, person(qualification="none", exemption=True), hr)
    master = services.save_draft(
        school,
        person(qualification="none", exemption=True, exemption_reason="国家级非遗传承人"),
        hr,
    )
    assert master.exemption and master.exemption_reason == "国家级非遗传承人"
    eligible = services.save_draft(school, person(exemption=True, exemption_reason="不需要"), hr)
    assert not eligible.exemption  # an exemption only stands where the rules are not met


@pytest.mark.parametrize(
    "change, field",
    [
        ({"term_end": date(2020, 1, 1)}, "term_end"),
        ({"term_start": date(2025, 1, 1), "term_end": date(2028, 1, 1)}, "term_end"),
        ({"hours_per_week": Decimal(-2)}, "hours_per_week"),
        ({"hours_per_week": Decimal(90)}, "hours_per_week"),
        ({"hourly_rate": Decimal(0)}, "hourly_rate"),
        ({"hourly_rate": Decimal(99999)}, "hourly_rate"),
    ],
)
def test_bad_proposals_say_which_field(app, school_with_staff, change, field):
    school, hr, _ = school_with_staff()
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(school, person(**change), hr)
    assert field in err.value.fields
    assert db.session.query(Appointment).count() == 0


def test_a_second_hr_of_the_same_school_approves(app, school_with_staff, make_user):
    school, hr, hr2 = school_with_staff()
    other_school, other_hr, _ = school_with_staff(county="330381")
    appointment = submitted(school, hr)
    with pytest.raises(PermissionDenied, match="另一位人事"):
        services.transition(appointment, "approve", hr)
    with pytest.raises(PermissionDenied):
        services.transition(appointment, "approve", other_hr)
    services.transition(appointment, "approve", hr2)
    assert appointment.status == "approved" and appointment.approved_by_id == hr2.id


def test_submitting_needs_the_signed_agreement(app, school_with_staff):
    school, hr, _ = school_with_staff()
    appointment = services.save_draft(school, person(), hr)
    with pytest.raises(ValidationFailed):
        services.transition(appointment, "submit", hr)
    with pytest.raises(ValidationFailed):  # a picture is not a signed PDF agreement
        services.attach_agreement(
            appointment,
            FileStorage(
                io.BytesIO(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + b"\0" * 20), filename="x.pdf"
            ),
            hr,
        )


def test_an_expired_proposal_cannot_be_approved(app, school_with_staff):
    school, hr, hr2 = school_with_staff()
    appointment = submitted(school, hr, term_start=date(2024, 1, 1))
    with pytest.raises(Conflict, match="已过期"):
        services.transition(appointment, "approve", hr2)


def test_approvals_stop_at_the_cap_and_ending_one_frees_a_place(app, school_with_staff, api_client):
    school, hr, hr2 = school_with_staff(n=10)  # cap = floor(0.30 × 10) = 3
    approved = []
    for _ in range(3):
        appointment = submitted(school, hr)
        services.transition(appointment, "approve", hr2)
        approved.append(appointment)
    db.session.commit()
    fourth = submitted(school, hr, term_start=today() + timedelta(days=30))
    response = api_client(hr2)("POST", f"/api/v1/appointments/{fourth.id}/approve")
    assert response.status_code == 409
    error = response.json["error"]
    assert error["code"] == "cap_exceeded"
    assert (error["cap"], error["active"], error["professional_teachers"]) == (3, 3, 10)
    db.session.refresh(fourth)
    assert fourth.status == "submitted"
    services.transition(
        approved[0], "terminate", hr, "合同提前终止", fourth.term_start - timedelta(days=1)
    )
    db.session.commit()
    assert api_client(hr2)("POST", f"/api/v1/appointments/{fourth.id}/approve").status_code == 200


def test_the_refusal_page_shows_the_numbers_and_what_frees_room(login_as, app, school_with_staff):
    school, hr, hr2 = school_with_staff(n=4)  # cap 1
    first = submitted(school, hr, name="在聘者")
    services.transition(first, "approve", hr2)
    second = submitted(school, hr)
    approver = login_as(hr2)
    # The approval page itself says so before anyone presses the button, which is disabled.
    text = approver.get(f"/appointments/{second.id}").get_data(as_text=True)
    assert "flash-error" in text and "名额已满" in text and "最多 1 人" in text
    assert "在聘者" in text and "占用名额至" in text
    # Visibly disabled, its reason in the page (phones have no hover).
    assert 'disabled aria-describedby="why-approve">通过</button>' in text
    assert '<span class="why" id="why-approve">本任期内名额已满</span>' in text
    pressed = approver.post(f"/appointments/{second.id}/approve")  # pressed anyway (stale page)
    assert pressed.status_code == 303 and pressed.location.endswith(f"/appointments/{second.id}")
    assert "最多 1 人" in approver.get(pressed.location).get_data(as_text=True)


def test_teachers_leaving_flag_the_school_but_end_nothing(
    app, school_with_staff, login_as, make_user
):
    from teachers.models import Teacher

    school, hr, hr2 = school_with_staff(n=4)
    appointment = submitted(school, hr)
    services.transition(appointment, "approve", hr2)
    for t in db.session.query(Teacher).filter_by(school_id=school.id, professional=True).limit(2):
        t.status = "left"
    db.session.commit()
    numbers = capacity(school)
    assert numbers.over_cap and numbers.cap == 0 and numbers.active == 1
    db.session.refresh(appointment)
    assert appointment.status == "approved"
    bureau_page = login_as(make_user(Role.BUREAU)).get("/appointments").get_data(as_text=True)
    assert "超出上限" in bureau_page
    assert "暂停新聘" in login_as(hr).get("/appointments").get_data(as_text=True)


def test_every_school_s_capacity_comes_from_one_query(app, school_with_staff):
    schools = [school_with_staff(n=n)[0] for n in (3, 7, 10)]
    statements = []
    listener = lambda *a: statements.append(a)  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        numbers = capacities()
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if "schools" in str(s[2])]) == 1
    assert [numbers[s.id].cap for s in schools] == [0, 2, 3]


def test_capacity_endpoint_and_its_scope(api_client, school_with_staff, make_user):
    school, hr, hr2 = school_with_staff(n=10)
    services.transition(submitted(school, hr), "approve", hr2)
    db.session.commit()
    body = api_client(hr)("GET", f"/api/v1/schools/{school.code}/part-time-capacity").json
    assert {
        k: body[k] for k in ("professional_teachers", "cap", "active", "remaining", "over_cap")
    } == {"professional_teachers": 10, "cap": 3, "active": 1, "remaining": 2, "over_cap": False}
    other_hr = make_user(Role.SCHOOL_HR)
    assert (
        api_client(other_hr)("GET", f"/api/v1/schools/{school.code}/part-time-capacity").status_code
        == 403
    )
    assert (
        api_client(make_user(Role.BUREAU, county="330302"))(
            "GET", f"/api/v1/schools/{school.code}/part-time-capacity"
        ).status_code
        == 200
    )


def test_money_budget_and_committed_pay(app, school_with_staff, make_user):
    school, hr, hr2 = school_with_staff(n=10)
    services.set_policy(school.county_id, Decimal(150000), False, make_user(Role.BUREAU))
    start = today() - timedelta(days=5)
    services.transition(
        submitted(
            school,
            hr,
            term_start=start,
            term_end=start + timedelta(days=69),
            hours_per_week=Decimal(4),
            hourly_rate=Decimal(200),
        ),
        "approve",
        hr2,
    )
    numbers = capacity(school)
    assert numbers.budget == Decimal(450000)  # 3 places × 150,000
    assert numbers.committed_pay == Decimal("8000.00")  # 200 × 4 h × 10 weeks


def test_a_county_can_require_the_bureau_as_second_step(app, school_with_staff, make_user):
    school, hr, hr2 = school_with_staff(county="330302")
    services.set_policy(school.county_id, Decimal(0), True, make_user(Role.BUREAU, county="330302"))
    appointment = submitted(school, hr)
    services.transition(appointment, "approve", hr2)
    assert appointment.status == "pending_bureau"
    with pytest.raises(PermissionDenied):
        services.transition(appointment, "approve", make_user(Role.BUREAU, county="330381"))
    services.transition(appointment, "approve", make_user(Role.BUREAU, county="330302"))
    assert appointment.status == "approved"
    with pytest.raises(PermissionDenied):
        services.set_policy(
            school.county_id, Decimal(1), False, make_user(Role.BUREAU, county="330381")
        )


def test_renewal_links_to_the_previous_appointment(app, school_with_staff):
    school, hr, hr2 = school_with_staff()
    first = submitted(school, hr)
    with pytest.raises(Conflict):
        services.renew(first, hr)
    services.transition(first, "approve", hr2)
    renewal = services.renew(first, hr)
    assert renewal.previous_id == first.id and renewal.status == "draft"
    assert renewal.term_start == first.term_end + timedelta(days=1) and renewal.name == first.name


def test_the_daily_job_ends_terms_and_warns_hr_once(app, school_with_staff):
    school, hr, hr2 = school_with_staff(n=20)
    ending = submitted(
        school, hr, term_start=today() - timedelta(days=300), term_end=today() + timedelta(days=20)
    )
    services.transition(ending, "approve", hr2)
    past = submitted(school, hr, term_start=today() - timedelta(days=300), term_end=today())
    services.transition(past, "approve", hr2)
    past.term_end = today() - timedelta(days=1)  # its last day was yesterday
    db.session.commit()
    with unit_of_work():
        first = jobs.daily()
    with unit_of_work():
        second = jobs.daily()
    assert first == {"ended": 1, "notices": 2} and second == {"ended": 0, "notices": 2}
    assert db.session.get(Appointment, past.id).status == "ended"
    assert db.session.query(Notification).filter_by(kind="appointment_ending").count() == 2


def test_concurrent_approvals_never_pass_the_cap(app, school_with_staff, make_user):
    """Many HR approvers at once, from separate connections, for a school with two free places."""
    school, hr, _ = school_with_staff(n=10)  # cap 3
    first = submitted(school, hr)
    services.transition(first, "approve", make_user(Role.SCHOOL_HR, school=school))
    pending = [submitted(school, hr).id for _ in range(8)]
    approvers = [make_user(Role.SCHOOL_HR, school=school).id for _ in pending]
    db.session.commit()
    barrier = threading.Barrier(len(pending))
    outcomes: list[str] = []

    def approve(appointment_id: int, approver_id: int) -> None:
        from core.models import User

        with app.app_context():
            barrier.wait()
            try:
                with unit_of_work():
                    services.transition(
                        db.session.get(Appointment, appointment_id),
                        "approve",
                        db.session.get(User, approver_id),
                    )
                outcomes.append("approved")
            except Conflict:
                outcomes.append("refused")
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(pending, approvers, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["approved"] * 2 + ["refused"] * 6
    assert capacity(school).active == 3


ROLES = [
    "hr",
    "hr_other",
    "county_bureau",
    "county_other",
    "city_bureau",
    "admin",
    "teacher",
    "organizer",
]
CAN_VIEW = {"hr", "county_bureau", "city_bureau", "admin"}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_an_appointment(
    role, school_with_staff, make_user, login_as, api_client, make_teacher
):
    school, hr, _ = school_with_staff(county="330302")
    appointment = submitted(school, hr)
    users = {
        "hr": hr,
        "hr_other": make_user(Role.SCHOOL_HR, school=school_with_staff(county="330381")[0]),
        "county_bureau": make_user(Role.BUREAU, county="330302"),
        "county_other": make_user(Role.BUREAU, county="330381"),
        "city_bureau": make_user(Role.BUREAU),
        "admin": make_user(Role.ADMIN),
        "teacher": make_user(Role.TEACHER, teacher=make_teacher(school=school)),
        "organizer": make_user(Role.ORGANIZER),
    }
    user = users[role]
    page = login_as(user).get(f"/appointments/{appointment.id}").status_code
    api = api_client(user)("GET", f"/api/v1/appointments/{appointment.id}").status_code
    expected = 200 if role in CAN_VIEW else 403
    assert (page, api) == (expected, expected)
    listed = api_client(user)("GET", "/api/v1/appointments").json
    assert (appointment.id in [a["id"] for a in listed.get("items", [])]) == (role in CAN_VIEW)


def test_hr_proposes_on_the_page_with_the_agreement(login_as, school_with_staff):
    school, hr, hr2 = school_with_staff()
    c = login_as(hr)
    form = {k: str(v) for k, v in person().items() if k != "exemption"}
    bad = c.post("/appointments/new", data={**form, "hours_per_week": "99"})
    assert bad.status_code == 400 and "每周请填写 0.5 到 40 小时" in bad.get_data(as_text=True)
    response = c.post("/appointments/new", data=form)
    appointment_id = int(response.location.rsplit("/", 1)[1])
    c.post(
        f"/appointments/{appointment_id}/agreement",
        content_type="multipart/form-data",
        data={"agreement": (io.BytesIO(PDF), "协议.pdf")},
    )
    assert c.post(f"/appointments/{appointment_id}/submit").status_code == 302
    assert "另一位人事" in c.get(f"/appointments/{appointment_id}").get_data(as_text=True)
    assert login_as(hr2).post(f"/appointments/{appointment_id}/approve").status_code == 302
    assert db.session.get(Appointment, appointment_id).status == "approved"


@pytest.mark.parametrize(
    "ratio, shown", [("0.30", "30"), ("0.275", "27.5"), ("0.3000", "30"), ("1", "100")]
)
def test_the_cap_ratio_reads_as_a_plain_percentage(ratio, shown):
    assert services.percent(Decimal(ratio)) == shown


def test_places_left_count_approved_appointments_that_start_later(app, school_with_staff, login_as):
    school, hr, hr2 = school_with_staff(n=10)  # cap 3
    later = submitted(school, hr, term_start=today() + timedelta(days=60))
    services.transition(later, "approve", hr2)
    db.session.commit()
    numbers = capacity(school)
    assert (numbers.active, numbers.upcoming, numbers.remaining) == (0, 1, 2)
    form = login_as(hr).get("/appointments/new").get_data(as_text=True)
    assert "剩余名额：2 个" in form


def test_saving_a_proposal_that_cannot_be_approved_warns_at_once(app, school_with_staff, login_as):
    school, hr, hr2 = school_with_staff(n=4)  # cap 1
    first = submitted(school, hr)
    services.transition(first, "approve", hr2)
    db.session.commit()
    page = login_as(hr)
    assert "目前没有剩余名额" in page.get("/appointments/new").get_data(as_text=True)
    data = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in person().items()}
    data = {k: v for k, v in data.items() if v not in (False, None)}
    saved = page.post("/appointments/new", data=data)
    assert saved.status_code == 302
    detail = page.get(saved.location)
    assert detail.status_code == 200 and "此聘任提议无法获批" in detail.get_data(as_text=True)
    # The warning refuses nothing: the draft is kept.
    assert db.session.query(Appointment).filter_by(status="draft").count() == 1


def test_a_school_with_one_hr_account_is_approved_by_its_bureau_or_an_administrator(
    app, make_school, make_teacher, make_user, login_as
):
    from core.models import Notification

    school = make_school(county="330302")
    for _ in range(10):
        make_teacher(school=school)
    only_hr = make_user(Role.SCHOOL_HR, school=school)
    county, elsewhere = (
        make_user(Role.BUREAU, county="330302"),
        make_user(Role.BUREAU, county="330381"),
    )
    admin = make_user(Role.ADMIN)
    proposal = submitted(school, only_hr)
    assert not services.is_second_hr(only_hr, proposal)  # never one's own proposal
    assert not services.is_second_hr(elsewhere, proposal)  # another county's bureau
    assert services.is_second_hr(admin, proposal)
    told = {
        n.user_id for n in db.session.query(Notification).filter_by(kind="appointment_stand_in")
    }
    assert county.id in told and elsewhere.id not in told and admin.id not in told
    # The county bureau's 待办 holds it, named as the bureau's step, not a second HR's.
    home = login_as(county).get("/").get_data(as_text=True)
    assert "仅一位人事的学校、待您审批的兼职教师聘任" in home
    assert "待教育局审批（学校仅一位人事）" in login_as(county).get("/appointments").get_data(
        as_text=True
    )
    page = login_as(county).get(f"/appointments/{proposal.id}").get_data(as_text=True)
    assert "您作为第二审批人审批" in page
    services.transition(proposal, "approve", county)
    assert proposal.status == "approved" and proposal.bureau_approved_by_id == county.id
    # With a second HR account the bureau does not stand in.
    make_user(Role.SCHOOL_HR, school=school)
    other = submitted(school, only_hr, name="钱工")
    assert not services.is_second_hr(county, other)


def test_an_approved_appointment_not_yet_begun_is_cancelled_and_frees_its_place(
    school_with_staff, login_as
):
    from teachers.appointments.capacity import capacity

    school, hr, hr2 = school_with_staff(n=10)  # 3 places
    later = submitted(school, hr, term_start=today() + timedelta(days=30))
    services.transition(later, "approve", hr2)
    db.session.commit()
    assert capacity(school).remaining == 2
    page = login_as(hr).get(f"/appointments/{later.id}").get_data(as_text=True)
    assert "撤销聘任" in page and "尚未开始" in page and 'name="terminated_on"' not in page
    done = login_as(hr).post(f"/appointments/{later.id}/terminate", data={"reason": "对方另有安排"})
    assert done.status_code in (302, 303)
    db.session.refresh(later)
    assert later.status == "terminated"
    assert later.terminated_on == later.term_start - timedelta(days=1)  # it never held a place
    assert capacity(school).remaining == 3


def test_an_exemption_shows_its_reason_not_the_rules_it_is_an_exception_to(
    school_with_staff, login_as
):
    school, hr, _hr2 = school_with_staff()
    master = services.save_draft(
        school,
        person(qualification="none", exemption=True, exemption_reason="国家级非遗传承人"),
        hr,
    )
    db.session.commit()
    page = login_as(hr).get(f"/appointments/{master.id}").get_data(as_text=True)
    assert "国家级非遗传承人" in page
    ordinary = services.save_draft(school, person(name="钱工"), hr)
    db.session.commit()
    shown = services.eligibility_problems({k: getattr(ordinary, k) for k in services.FIELDS})
    unmet = services.eligibility_problems(
        {**{k: getattr(master, k) for k in services.FIELDS}, "exemption": False}
    )
    assert shown == [] and unmet  # the master does not meet the rules…
    assert not any(p in page for p in unmet)  # …and the page does not warn of them


def test_a_term_another_run_ended_does_not_undo_the_job_s_others(  # type: ignore[no-untyped-def]
    app, school_with_staff, monkeypatch
):
    """The job carries on past a term ended elsewhere (a refusal it catches): that refusal
    undoes its own step alone, and the other endings are kept."""
    from core.errors import Conflict
    from teachers.appointments import jobs as appointment_jobs

    school, hr, hr2 = school_with_staff(n=20)
    ended = []
    for name in ("甲工", "乙工"):
        a = submitted(school, hr, name=name, term_start=today() - timedelta(days=300),
                      term_end=today())  # fmt: skip
        services.transition(a, "approve", hr2)
        a.term_end = today() - timedelta(days=1)
        ended.append(a)
    db.session.commit()
    real = appointment_jobs.transition

    def elsewhere_first(appointment, action, by):  # type: ignore[no-untyped-def]
        if appointment.id == ended[0].id:
            raise Conflict("已由另一次运行结束")  # as the step's check says when it lost
        return real(appointment, action, by)

    monkeypatch.setattr(appointment_jobs, "transition", elsewhere_first)
    with unit_of_work():
        assert appointment_jobs.daily()["ended"] == 1
    db.session.expire_all()
    assert db.session.get(Appointment, ended[1].id).status == "ended"  # kept, not rolled back

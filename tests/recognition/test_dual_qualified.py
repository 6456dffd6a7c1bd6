"""Dual-qualified recognition: evidence gathered, criteria shown, the review path with its notice
period, the ethics veto, and the ratio."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role
from core.timeutil import today
from recognition import dual, services, stats
from recognition.models import Recognition
from teachers.models import SkillCertificate


@pytest.fixture
def applicant(make_teacher, make_user, make_placement):  # type: ignore[no-untyped-def]
    teacher = make_teacher(qualification_cert_no="20153300001234", title="intermediate")
    user = make_user(Role.TEACHER, teacher=teacher)
    make_placement(teacher, date(2025, 3, 3), date(2025, 5, 30), days=65)
    db.session.add(
        SkillCertificate(
            teacher_id=teacher.id,
            kind="skill_level",
            name="电工",
            level="level3",
            issued_on=date(2020, 6, 1),
        )
    )
    db.session.commit()
    return teacher, user


def test_evidence_is_gathered_and_assessed_per_criterion(app, applicant):
    teacher, _user = applicant
    evidence = dual.gather(teacher, today())
    assert evidence["practice_days"] == 65.0 and evidence["skill_level"] == "level3"
    assert dual.highest_supported(evidence) == "intermediate"
    senior = {c["criterion"]: c["met"] for c in dual.assess(evidence, "senior")}
    assert senior == {
        "qualification_certificate": True,
        "practice_days": False,
        "skill_level_or_title": False,
        "award_level": False,
        "ethics": True,
    }


def test_the_whole_path_to_recognised_moves_the_ratio(app, applicant, make_user, login_as):
    teacher, user = applicant
    hr, bureau = make_user(Role.SCHOOL_HR, school=teacher.school), make_user(Role.BUREAU)
    before = stats.dual_qualified_ratio(by="school")[teacher.school_id]
    r = services.apply(teacher, "intermediate", user)
    with pytest.raises(Conflict):
        services.apply(teacher, "intermediate", user)  # an open application for this tier exists
    with pytest.raises(Conflict):
        services.confirm(r, bureau)  # the school first
    services.school_review(r, False, "请补充企业实践考核表", hr)
    services.resubmit(r, user)
    services.school_review(r, True, "", hr)
    services.confirm(r, bureau)
    assert r.status == "notice" and r.notice_until > today()
    services.record_objection(r, "无异议（测试）", bureau)
    with pytest.raises(Conflict):
        services.finalize(r, bureau)
    r.notice_until = today() - timedelta(days=1)
    services.finalize(r, bureau)
    db.session.commit()
    assert r.status == "confirmed" and r.certificate_no.startswith("WZSS")
    assert r.recheck_due.year == today().year + 5
    after = stats.dual_qualified_ratio(by="school")[teacher.school_id]
    assert after[0] == before[0] + 1 and after[2] > before[2]
    assert stats.recognised_between(date(2023, 1, 1), today())["city"] == 1
    page = login_as(user).get(f"/recognitions/{r.id}").get_data(as_text=True)
    assert "近 5 年企业实践天数" in page and "已认定" in page


def test_who_may_apply(app, make_teacher, make_user):
    public = make_teacher(professional=False)
    user = make_user(Role.TEACHER, teacher=public)
    with pytest.raises(ValidationFailed):
        services.apply(public, "junior", user)
    someone = make_teacher()
    with pytest.raises(PermissionDenied):
        services.apply(someone, "junior", user)


def test_an_ethics_failure_revokes_and_bars(app, applicant, make_user):
    teacher, user = applicant
    hr, bureau = make_user(Role.SCHOOL_HR, school=teacher.school), make_user(Role.BUREAU)
    r = services.apply(teacher, "junior", user)
    services.school_review(r, True, "", hr)
    services.confirm(r, bureau)
    r.notice_until = today() - timedelta(days=1)
    services.finalize(r, bureau)
    with pytest.raises(ValidationFailed):
        services.record_ethics(teacher, today().year, False, None, "", hr)
    services.record_ethics(
        teacher, today().year, False, today() + timedelta(days=365), "违反师德", hr
    )
    assert r.status == "revoked"
    with pytest.raises(Conflict):
        services.apply(teacher, "junior", user)
    assert db.session.query(Recognition).filter_by(status="confirmed").count() == 0


def test_the_development_record_pdf(app, applicant, login_as):
    from io import BytesIO

    from pypdf import PdfReader

    teacher, user = applicant
    response = login_as(user).get(f"/teachers/{teacher.id}/development-record.pdf")
    assert response.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    assert "2025-03-03" in text and "65" in text


def test_one_application_at_a_time_and_the_teacher_may_withdraw_it_until_the_school_decides(
    app, applicant, make_user, login_as
):
    from core.models import Notification

    teacher, user = applicant
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    first = services.apply(teacher, "junior", user)
    db.session.commit()
    with pytest.raises(Conflict) as err:
        services.apply(teacher, "intermediate", user)  # another tier: still one at a time
    assert "撤回" in err.value.message or "Withdraw" in err.value.message
    page = login_as(user).get("/recognitions/apply").get_data(as_text=True)
    assert "正在办理" in page and "申请此等级" not in page
    teacher_page = login_as(user)
    done = teacher_page.post(f"/recognitions/{first.id}/withdraw")
    assert "已撤回" in teacher_page.get(done.location).get_data(as_text=True)
    db.session.refresh(first)
    assert first.status == "cancelled"
    told = db.session.query(Notification).filter_by(user_id=hr.id).all()
    assert any(n.kind == "dual_withdrawn" for n in told)
    assert "撤回了双师型认定申请" in login_as(hr).get("/notifications").get_data(as_text=True)
    # Once the school has decided, the application stays.
    second = services.apply(teacher, "intermediate", user)
    services.school_review(second, True, "", hr)
    db.session.commit()
    with pytest.raises(Conflict):
        services.withdraw(second, user)
    api = app.test_client()
    assert api.post(f"/api/v1/recognitions/{second.id}/withdraw").status_code in (401, 403)


def test_applying_beyond_the_records_asks_for_a_note_and_shows_the_school_the_gap(
    app, applicant, make_user, login_as
):
    teacher, user = applicant
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    with pytest.raises(ValidationFailed) as err:
        services.apply(teacher, "senior", user)  # 65 days, no award: senior is not met
    assert "note" in err.value.fields
    r = services.apply(teacher, "senior", user, note="市级一等奖证书尚未录入，附扫描件")
    db.session.commit()
    assert set(r.evidence["gap"]) == {"practice_days", "skill_level_or_title", "award_level"}
    page = login_as(hr).get(f"/recognitions/{r.id}").get_data(as_text=True)
    assert "市级一等奖证书尚未录入" in page and "记录未显示" in page
    # The evidence table reads in words, and the next step names who acts.
    assert "True" not in page and "{'" not in page and "人事" in page


def test_the_next_step_names_who_acts_for_every_state(app, applicant, make_user, login_as):
    from recognition.models import Status
    from recognition.views import _next_step

    teacher, user = applicant
    r = services.apply(teacher, "junior", user)
    r.recheck_due = today()
    r.notice_until = today()
    with app.test_request_context():
        for status in Status:
            r.status = status
            assert _next_step(r).strip()

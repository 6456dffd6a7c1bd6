"""The mentor's link: signed, single-use, 30 days, no account needed."""

from __future__ import annotations

from datetime import date, timedelta

from core.extensions import db
from core.models import AuditEntry
from core.timeutil import utcnow
from placements import jobs, mentor
from placements.models import MentorLink
from tests.core.test_mail import smtp  # noqa: F401  (the fixture)


def link_for(client, placement) -> str:  # type: ignore[no-untyped-def]
    made = client.post(f"/placements/{placement.id}/mentor-link")
    page = client.get(made.location).get_data(as_text=True)
    return page.split('class="secret" id="mentor-url">')[1].split("<")[0]


def test_the_mentor_confirms_once_without_an_account(
    app, login_as, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), days=8, status="submitted")
    url = link_for(login_as(user), placement)
    anonymous = app.test_client()
    page = anonymous.get(url)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and teacher.name in text and placement.enterprise.name in text
    done = anonymous.post(url, data={"choice": "confirm", "c-mentor": "陈工", "c-days": "6"})
    assert "您已确认" in done.get_data(as_text=True)
    db.session.refresh(placement)
    assert (
        placement.confirmation == "mentor"
        and placement.days == 6
        and placement.confirmed_by == "陈工"
    )
    again = anonymous.get(url)
    assert again.status_code == 409 and "已使用过" in again.get_data(as_text=True)
    entry = db.session.query(AuditEntry).filter_by(action="mentor_confirmed").one()
    assert entry.actor_name == "system" and "陈工" in entry.note


def test_more_days_than_logged_cannot_be_confirmed(
    app, login_as, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), days=8, status="submitted")
    url = link_for(login_as(user), placement)
    page = app.test_client().post(
        url, data={"choice": "confirm", "c-mentor": "陈工", "c-days": "9"}
    )
    assert page.status_code == 400 and "0.5 到 8" in page.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.confirmation == "none"


def test_declining_sends_the_placement_back_with_the_reason(
    app, login_as, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), status="submitted")
    url = link_for(login_as(user), placement)
    missing = app.test_client().post(url, data={"choice": "decline", "d-reason": ""})
    assert missing.status_code == 400
    app.test_client().post(url, data={"choice": "decline", "d-reason": "该教师未在我司实践"})
    db.session.refresh(placement)
    assert placement.status == "returned" and placement.decision_note == "该教师未在我司实践"


def test_tampered_expired_and_replaced_links_do_not_work(
    app, login_as, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), status="submitted")
    c = login_as(user)
    first = link_for(c, placement)
    second = link_for(c, placement)
    anonymous = app.test_client()
    assert anonymous.get(first).status_code == 409  # replaced by the newer link
    assert anonymous.get(second[:-3] + "abc").status_code == 404
    link = db.session.query(MentorLink).filter(MentorLink.closed_at.is_(None)).one()
    link.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert "已过期" in anonymous.get(second).get_data(as_text=True)
    assert mentor.close_expired() == 1 and mentor.close_expired() == 0


def test_the_daily_job_closes_expired_links(app, teacher_with_account, make_placement):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), status="submitted")
    mentor.create_link(placement, user)
    db.session.query(MentorLink).update({"expires_at": utcnow() - timedelta(days=1)})
    assert jobs.daily_reminders()["links_closed"] == 1
    assert jobs.daily_reminders()["links_closed"] == 0


def test_hr_can_confirm_with_the_stamped_form_instead(
    app, login_as, teacher_with_account, make_placement, make_user
):
    import io

    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), status="submitted")
    hr = login_as(make_user("school_hr", school=teacher.school))
    pdf = b"%PDF-1.4\n%%EOF\n"
    hr.post(
        f"/placements/{placement.id}/confirm-upload",
        data={"file": (io.BytesIO(pdf), "考核表.pdf")},
        content_type="multipart/form-data",
    )
    db.session.refresh(placement)
    assert placement.confirmation == "upload" and "assessment" in {
        e.kind for e in placement.evidence
    }
    assert hr.post(f"/placements/{placement.id}/approve").status_code == 302
    db.session.refresh(placement)
    assert placement.status == "approved"


def test_submitting_hands_over_in_one_step_and_the_phone_digits_guard_the_link(
    app, login_as, teacher_with_account, make_placement
):
    from core.models import Notification
    from placements import services
    from placements.demo import agreement_file

    teacher, user = teacher_with_account(name="吴交接")
    placement = make_placement(teacher, date(2025, 4, 7), days=8, status="draft")
    placement.mentor_phone = "139 5770 1234"
    services.add_evidence(placement, "agreement", agreement_file(), user)
    db.session.commit()
    client = login_as(user)
    submitted = client.post(f"/placements/{placement.id}/submit")
    page = client.get(submitted.location).get_data(as_text=True)
    # The link is there at once, with its QR code and a message ready for WeChat.
    assert 'id="mentor-url"' in page and "<svg" in page and 'id="mentor-message"' in page
    message = page.split('id="mentor-message">')[1].split("<")[0]
    assert "吴交接" in message and placement.enterprise.name in message
    assert "手机号的后四位" in message
    url = page.split('class="secret" id="mentor-url">')[1].split("<")[0]
    mentor_page = app.test_client()
    assert "手机号后四位" in mentor_page.get(url).get_data(as_text=True)
    confirm = {"choice": "confirm", "c-mentor": "陈工", "c-days": "8"}
    for left in (2, 1):
        wrong = mentor_page.post(url, data={**confirm, "c-digits": "0000"})
        # Refused (400), yet the wrong entry is counted: the one thing such a refusal keeps.
        assert wrong.status_code == 400 and f"还可以试 {left} 次" in wrong.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.confirmation == "none"
    [link] = mentor.open_links(placement)
    assert link.wrong_digits == 2  # counted, although refused
    closed = mentor_page.post(url, data={**confirm, "c-digits": "4321"})
    assert "链接已关闭" in closed.get_data(as_text=True)
    assert mentor_page.get(url).status_code == 409
    told = db.session.query(Notification).filter_by(user_id=user.id, kind="mentor_link_closed")
    assert told.count() == 1
    # The teacher sends a new link; the right digits confirm it.
    url = link_for(client, placement)
    done = mentor_page.post(url, data={**confirm, "c-digits": "1234"})
    assert "您已确认" in done.get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.confirmation == "mentor"


def test_the_link_is_mailed_to_the_mentor_when_the_e_mail_is_on_file(
    app,
    smtp,  # noqa: F811
    login_as,
    teacher_with_account,
    make_placement,  # noqa: F811
):
    import email
    from email.header import decode_header, make_header

    from placements import services
    from placements.demo import agreement_file

    inbox, _server = smtp
    teacher, user = teacher_with_account(name="邮交接")
    placement = make_placement(teacher, date(2025, 4, 7), days=8, status="draft")
    placement.mentor_email = "mentor@zhengtai.cn"
    services.add_evidence(placement, "agreement", agreement_file(), user)
    db.session.commit()
    login_as(user).post(f"/placements/{placement.id}/submit")
    [(to, raw)] = [m for m in inbox.messages if "mentor@zhengtai.cn" in m[0]]
    message = email.message_from_string(raw)
    body = message.get_payload(decode=True).decode("utf-8")
    assert "邮交接" in str(make_header(decode_header(message["Subject"])))
    [link] = mentor.open_links(placement)
    assert f"/confirm/{mentor.token_of(link)}" in body and "邮交接" in body
    # No e-mail on file: nothing is sent.
    other = make_placement(teacher, date(2025, 6, 2), days=5, status="draft")
    services.add_evidence(other, "agreement", agreement_file(), user)
    db.session.commit()
    before = len(inbox.messages)
    login_as(user).post(f"/placements/{other.id}/submit")
    assert len(inbox.messages) == before

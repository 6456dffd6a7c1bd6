"""The title-review list and its export, reminders, part-time enterprise jobs, and the counts
for the dashboard."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from core.errors import Conflict, PermissionDenied
from core.extensions import db
from core.models import Notification, Role
from core.timeutil import today
from placements import enterprise_jobs, jobs
from placements.stats import person_times


def test_hr_lists_this_year_s_applicants_with_their_shortfall(
    login_as, teacher_with_account, make_placement, make_user, make_teacher
):
    teacher, user = teacher_with_account(name="林达标")
    make_placement(teacher, date(2024, 3, 1), date(2024, 8, 31), days=140)
    short = make_teacher(school=teacher.school, name="王差些")
    make_placement(short, date(2025, 3, 3), days=10)
    make_teacher(school=teacher.school, name="不申报")
    me = login_as(user)
    me.post(f"/teachers/{teacher.id}/title-review", data={"intends": "1"})
    hr = login_as(make_user(Role.SCHOOL_HR, school=teacher.school))
    hr.post(f"/teachers/{short.id}/title-review", data={"intends": "1", "back": "list"})
    page = hr.get("/title-review").get_data(as_text=True)
    table = page.split('id="title-review"')[1]
    assert "林达标" in table and "已达标" in table
    assert "王差些" in table and "差 122.0 天" in table and "不申报" not in table
    sheet = load_workbook(io.BytesIO(hr.get("/title-review.xlsx").data)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["王差些"][3] == 10.0 and rows["王差些"][5] == "否" and rows["王差些"][6] == 122.0
    assert rows["林达标"][5] == "是"
    # A teacher of another school cannot be put on this list.
    other = make_teacher(name="外校")
    assert hr.post(f"/teachers/{other.id}/title-review", data={"intends": "1"}).status_code == 403


def test_reminders_reach_teachers_who_will_be_short_once(app, teacher_with_account, make_placement):
    on_course, user_ok = teacher_with_account()
    make_placement(on_course, today() - timedelta(days=200), today() - timedelta(days=1), days=140)
    short, user_short = teacher_with_account()
    # Enough days today, but most of them leave the window within the year.
    start = today() - timedelta(days=5 * 365 - 30)
    make_placement(short, start, start + timedelta(days=199), days=140)
    first = jobs.daily_reminders()
    again = jobs.daily_reminders()
    assert first["teachers_notified"] == again["teachers_notified"] >= 1
    reminders = db.session.query(Notification).filter_by(kind="practice_short")
    notes = reminders.filter_by(user_id=user_short.id).all()
    assert len(notes) == 1
    assert reminders.filter_by(user_id=user_ok.id).count() == 0


def test_the_weekly_digest_tells_hr_how_many_are_short(app, make_teacher, make_user):
    hr = make_user(Role.SCHOOL_HR)
    make_teacher(school=hr.school)
    make_teacher(school=hr.school, professional=False)  # public-course teachers are not counted
    assert jobs.weekly_hr_digest() == {"hr_notified": 1}
    jobs.weekly_hr_digest()
    note = db.session.query(Notification).filter_by(user_id=hr.id).one()
    assert note.params == {"count": 1}


def test_notifications_show_in_the_reader_s_language(login_as, app, make_user):
    from core.notifications import notify

    hr = make_user(Role.SCHOOL_HR)
    notify(hr, "practice_digest", key="k1", link="/placements", count=3)
    db.session.commit()
    c = login_as(hr)
    assert "本校有 3 名教师" in c.get("/notifications").get_data(as_text=True)
    c.post("/language/en", data={"next": "/"})
    assert "3 teachers of your school" in c.get("/notifications").get_data(as_text=True)


def test_enterprise_jobs_need_consent_and_their_hours_count_as_workload(
    app, teacher_with_account, make_user, make_enterprise
):
    teacher, user = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    job = enterprise_jobs.request_consent(
        teacher,
        make_enterprise(),
        {
            "role": "技术顾问",
            "start_date": date(2025, 9, 1),
            "end_date": date(2026, 7, 31),
            "hours_per_week": Decimal(4),
        },
        user,
    )
    with pytest.raises(Conflict):
        enterprise_jobs.record_hours(teacher, "2025-2026-1", Decimal(30), user, job)
    with pytest.raises(PermissionDenied):
        enterprise_jobs.decide(job, True, "", user)
    enterprise_jobs.decide(job, True, "", hr)
    enterprise_jobs.record_hours(teacher, "2025-2026-1", Decimal(30), user, job)
    enterprise_jobs.record_hours(teacher, "2025-2026-1", Decimal(200), hr)
    enterprise_jobs.record_hours(teacher, "2025-2026-1", Decimal(210), hr)  # replaces the figure
    assert enterprise_jobs.workload(teacher) == [
        {
            "term": "2025-2026-1",
            "school": Decimal(210),
            "enterprise": Decimal(30),
            "total": Decimal(240),
        }
    ]


def test_counts_by_school_county_and_city_come_from_sql(
    app, make_school, teacher_with_account, make_placement, make_enterprise
):
    a = make_school(county="330302")
    b = make_school(county="330381")
    t1, _ = teacher_with_account(school=a)
    t2, _ = teacher_with_account(school=b)
    e1, e2 = make_enterprise(), make_enterprise()
    make_placement(t1, date(2025, 3, 3), days=5, enterprise=e1, post="装配")
    make_placement(t1, date(2025, 5, 5), days=6, enterprise=e1, post="装配")
    make_placement(t2, date(2025, 6, 2), days=7, enterprise=e1, post="质检")
    make_placement(t2, date(2025, 7, 7), days=8, enterprise=e2, post="装配", status="confirmed")
    make_placement(t2, date(2024, 7, 7), days=9, enterprise=e2, post="装配")
    # A non-professional teacher's practice is not counted (the plan counts 专业教师).
    t3, _ = teacher_with_account(school=a, professional=False)
    make_placement(t3, date(2025, 8, 4), days=4, enterprise=e1)
    year = (date(2025, 1, 1), date(2025, 12, 31))
    assert person_times(*year) == {"city": 3}  # approved and ended in 2025: not the submitted
    assert person_times(*year, by="school") == {a.id: 2, b.id: 1}
    by_county = person_times(date(2000, 1, 1), date(2025, 12, 31), by="county")
    assert by_county == {a.county_id: 2, b.county_id: 2}


def test_the_title_review_shortfall_reads_the_same_on_the_home_page_and_the_list(
    app, login_as, teacher_with_account, make_user, make_placement
):  # type: ignore[no-untyped-def]
    from placements import title_review

    short, _u = teacher_with_account()
    met, _v = teacher_with_account(school=short.school)
    make_placement(met, today() - timedelta(days=200), today() - timedelta(days=1), days=140)
    hr_user = make_user(Role.SCHOOL_HR, school=short.school)
    for teacher in (short, met):
        title_review.declare(teacher, today().year, hr_user)
    db.session.commit()
    hr = login_as(hr_user)
    home = hr.get("/").get_data(as_text=True)
    badge = re.search(r'<a href="/title-review"><span class="count-badge">(\d+)</span>', home)
    assert badge and badge.group(1) == "1"
    listed = hr.get("/title-review").get_data(as_text=True)
    assert "今年申报职称的 2 名教师中，1 名企业实践天数不足" in listed
    assert title_review.count(title_review.short_of_practice(short.school_id, today())) == 1

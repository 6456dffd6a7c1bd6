"""The rolling 5-year window and its edges, summed in SQL on both databases."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from core import rules
from core.extensions import db
from core.models import Role
from core.timeutil import years_later
from placements.ledger import Window, summary

TODAY = date(2026, 6, 15)
WINDOW = Window.ending(TODAY, 5)


def test_the_window_is_five_years_ending_today():
    assert WINDOW.end == TODAY and WINDOW.start == date(2021, 6, 16)
    assert Window.ending(date(2024, 2, 29), 5).start == date(2019, 3, 1)
    assert years_later(date(2024, 2, 29), -1) == date(2023, 2, 28)
    assert years_later(date(2024, 2, 29), 5) == date(2029, 2, 28)


def test_a_placement_straddling_the_window_start_counts_only_its_days_inside(
    app, make_teacher, make_placement
):
    teacher = make_teacher(enterprise_months=12)
    # 10 calendar days, 5 of them before the window opens.
    make_placement(teacher, WINDOW.start - timedelta(days=5), WINDOW.start + timedelta(days=4))
    assert summary(teacher, TODAY).days_in_window == Decimal("5.0")


def test_days_are_prorated_when_fewer_than_the_calendar_days(app, make_teacher, make_placement):
    teacher = make_teacher()
    # 4 practice days spread over 10 calendar days, 3 of them inside the window → 1.2 days.
    make_placement(
        teacher, WINDOW.start - timedelta(days=7), WINDOW.start + timedelta(days=2), days=4
    )
    assert summary(teacher, TODAY).days_in_window == Decimal("1.2")


def test_edges_count_one_day_and_outside_counts_nothing(app, make_teacher, make_placement):
    teacher = make_teacher()
    make_placement(teacher, WINDOW.start - timedelta(days=9), WINDOW.start)  # last day inside
    make_placement(teacher, WINDOW.start - timedelta(days=30), WINDOW.start - timedelta(days=21))
    make_placement(teacher, TODAY - timedelta(days=1), TODAY, days=2)  # ends today: all inside
    result = summary(teacher, TODAY)
    assert result.days_in_window == Decimal("3.0")
    assert result.oldest_drops_on == date(2026, 6, 16)  # its last day leaves tomorrow


def test_only_approved_placements_count(app, make_teacher, make_placement):
    teacher = make_teacher()
    make_placement(teacher, date(2025, 3, 1), days=10, status="confirmed")
    make_placement(teacher, date(2025, 4, 1), days=10, status="draft")
    make_placement(teacher, date(2025, 5, 1), days=10)
    assert summary(teacher, TODAY).days_in_window == Decimal("10.0")


def test_status_met_on_track_or_behind(app, make_teacher, make_placement):
    veteran = make_teacher(hire_date=date(2005, 9, 1))
    make_placement(veteran, date(2024, 7, 1), date(2024, 12, 31), days=132)
    assert summary(veteran, TODAY).status == "met"
    behind = make_teacher(hire_date=date(2005, 9, 1))
    make_placement(behind, date(2024, 7, 1), days=10)
    assert summary(behind, TODAY).status == "behind"
    assert summary(behind, TODAY).shortfall == Decimal("122.0")
    # Hired a year ago: a fifth of the requirement so far is on track.
    newcomer = make_teacher(hire_date=date(2025, 6, 15), enterprise_months=6)
    make_placement(newcomer, date(2025, 7, 1), date(2025, 8, 31), days=30)
    assert summary(newcomer, TODAY).status == "on_track"


def test_the_requirement_follows_the_rule_version(app, make_teacher, make_placement, make_user):
    teacher = make_teacher()
    make_placement(teacher, date(2025, 7, 1), date(2025, 10, 31), days=100)
    assert not summary(teacher, TODAY).meets_requirement
    admin = make_user(Role.ADMIN)
    rules.add_version("practice_days_required", "90", date(2026, 1, 1), "province", "", admin)
    db.session.commit()
    assert summary(teacher, TODAY).meets_requirement
    assert summary(teacher, date(2025, 12, 31)).required_days == 132


def test_new_teachers_without_experience_are_flagged_until_approved(
    app, make_teacher, make_placement
):
    teacher = make_teacher(hire_date=TODAY - timedelta(days=100), enterprise_months=0)
    assert summary(teacher, TODAY).new_without_experience
    make_placement(teacher, TODAY - timedelta(days=60), days=5)
    assert not summary(teacher, TODAY).new_without_experience
    experienced = make_teacher(hire_date=TODAY - timedelta(days=100), enterprise_months=24)
    assert not summary(experienced, TODAY).new_without_experience


def test_every_screen_agrees_at_the_tenth_of_a_day(  # type: ignore[no-untyped-def]
    app, make_teacher, make_placement, make_user, login_as
):
    """131.96 days read 132.0 on the ledger (requirement met) while the lists that pick the
    teachers short of it compared the unrounded sum (131.96 < 132): the title-review shortfall,
    the HR badge, the dashboard's practice-short list and the reminders said short. At x.94,
    x.95 and x.96 every screen now gives the one answer the ledger prints."""
    from core.timeutil import today
    from dashboard import drill
    from dashboard.periods import parse_period
    from placements import jobs, title_review

    on = today()
    window = Window.ending(on)
    period = parse_period(str(on.year))
    assert period is not None and period.at == on
    for share, shown, met in ((94, "131.9", False), (95, "132.0", True), (96, "132.0", True)):
        teacher = make_teacher(name=f"边界{share}", enterprise_months=12)
        hr = make_user(Role.SCHOOL_HR, school=teacher.school)
        make_placement(teacher, on - timedelta(days=400), on - timedelta(days=200), days=131)
        # One day over a 100-day span, `share` of those days inside the window: 0.xx days.
        start = window.start - timedelta(days=100 - share)
        make_placement(teacher, start, start + timedelta(days=99), days=1)
        # Submitted, not approved: counted nowhere (a sum that took it would end the shortfall).
        make_placement(teacher, on - timedelta(days=100), on - timedelta(days=91), days=5,
                       status="submitted")  # fmt: skip
        title_review.declare(teacher, on.year, hr)
        db.session.commit()

        ledger = summary(teacher, on)
        assert str(ledger.days_in_window) == shown and ledger.meets_requirement is met
        short = title_review.short_of_practice(teacher.school_id, on)
        assert (title_review.count(short) == 1) is not met  # the HR badge's count
        listed = db.session.scalars(drill._short_query(period, (teacher.school_id,))).all()
        assert (teacher in listed) is not met
        reminded = {tid: days for tid, _uid, days in jobs.short_within_a_year()}
        assert reminded[teacher.id] == 131.0  # a year on, the share at the edge has left
        page = login_as(hr).get(f"/teachers/{teacher.id}/practice").get_data(as_text=True)
        assert shown in page

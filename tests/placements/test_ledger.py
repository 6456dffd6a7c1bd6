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

"""The plan's indicators: each counted as domain.md defines it, for the city, a county and a
school, over the plan and a year, against the dated targets; the API answers exactly the keys of
the targets table; who may see which scope; a fixed number of queries whatever the size."""

from __future__ import annotations

import secrets
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event, select

from core import rules
from core.extensions import db
from core.models import Role
from core.timeutil import today
from dashboard.indicators import KEYS, Results
from dashboard.periods import parse_period
from recognition.models import Kind, Recognition, Status

TARGET_KEYS = {
    "dual_qualified_ratio",
    "dual_qualified_teachers",
    "enterprise_practice_person_times",
    "competition_participation_rate",
    "innovation_teams",
    "overseas_study_teachers",
    "part_time_ratio",
    "digital_literacy_pass_rate",
    "d_class_talents",
}


def recognise(teacher, on: date, kind: Kind = Kind.DUAL_QUALIFIED, recheck: date | None = None):  # type: ignore[no-untyped-def]
    r = Recognition(
        kind=kind,
        teacher_id=teacher.id,
        status=Status.CONFIRMED,
        tier="junior" if kind == Kind.DUAL_QUALIFIED else "D",
        confirmed_on=on,
        recheck_due=recheck or on.replace(year=on.year + 5),
        certificate_no=f"T{secrets.token_hex(6)}",
        verification_code=secrets.token_hex(5).upper(),
    )
    db.session.add(r)
    db.session.commit()
    return r


@pytest.fixture
def city(make_school, make_teacher, make_placement):  # type: ignore[no-untyped-def]
    """Two counties: 鹿城区 with schools A (4 professional teachers, one public-course) and B
    (2 professional teachers), 龙湾区 with school C (5 professional teachers)."""
    a = make_school(code="SCHA", county="330302", name="甲职校")
    b = make_school(code="SCHB", county="330302", name="乙职校")
    c = make_school(code="SCHC", county="330303", name="丙职校")
    ta = [make_teacher(school=a) for _ in range(4)]
    make_teacher(school=a, professional=False)
    tb = [make_teacher(school=b) for _ in range(2)]
    tc = [make_teacher(school=c) for _ in range(5)]
    # 双师型: A has 3 valid (one confirmed in 2024), B one whose recheck date passed, C one.
    recognise(ta[0], date(2023, 5, 1))
    recognise(ta[1], date(2024, 6, 1))
    recognise(ta[2], date(2025, 3, 1))
    recognise(tb[0], date(2019, 1, 1), recheck=date(2024, 1, 1))
    recognise(tc[0], date(2025, 9, 9))
    recognise(tc[1], date(2025, 10, 1), kind=Kind.D_CLASS)
    # Enterprise practice: approved placements ending in 2024 and 2025, one still submitted.
    make_placement(ta[0], date(2024, 3, 1), date(2024, 3, 20), days=10)
    make_placement(ta[1], date(2025, 4, 1), date(2025, 4, 20), days=10)
    make_placement(tc[2], date(2025, 5, 1), date(2025, 5, 20), days=10)
    make_placement(tc[3], date(2025, 6, 1), date(2025, 6, 20), days=10, status="submitted")
    return {"A": a, "B": b, "C": c, "ta": ta, "tb": tb, "tc": tc}


def test_the_figures_are_counted_as_the_plan_defines_them(city):
    plan = Results(parse_period("2023-2025"))
    whole = plan.figures()
    # 4 valid of 11 professional teachers at the end of 2025 (B's lapsed in 2024).
    assert (whole["dual_qualified_ratio"].numerator, whole["dual_qualified_ratio"].denominator) == (
        4,
        11,
    )
    assert whole["dual_qualified_teachers"].value == 4  # confirmed 2023–2025
    assert whole["enterprise_practice_person_times"].value == 3
    assert whole["d_class_talents"].value == 1
    assert whole["dual_qualified_ratio"].target == Decimal("0.90")
    assert whole["enterprise_practice_person_times"].target == 10000

    year_2024 = Results(parse_period("2024"))
    assert year_2024.figure("enterprise_practice_person_times").value == 1
    assert year_2024.figure("dual_qualified_teachers").value == 1
    # A year's count target is its share of the plan's: 2024 has 366 of the plan's 1096 days.
    assert year_2024.figure("enterprise_practice_person_times").target == 3339
    # 双师型 on the last day of 2024: A's two (the third came in 2025); B's lapsed that January.
    assert year_2024.figure("dual_qualified_ratio").numerator == 2

    county = plan.figures([city["A"].id, city["B"].id])
    assert (
        county["dual_qualified_ratio"].numerator,
        county["dual_qualified_ratio"].denominator,
    ) == (
        3,
        6,
    )
    assert plan.figure("dual_qualified_ratio", [city["C"].id]).numerator == 1
    # The plan's counts are the city's: a school has the ratio targets, not the counts'.
    assert plan.figure("enterprise_practice_person_times", [city["C"].id]).target is None
    assert plan.figure("dual_qualified_ratio", [city["C"].id]).target == Decimal("0.90")


def test_status_met_on_track_behind(city, app):
    finished = parse_period("2023-2025")
    figures = Results(finished).figures()
    assert figures["dual_qualified_ratio"].status(finished) == "behind"
    assert figures["part_time_ratio"].status(finished) == "met"  # no part-time teachers: under
    assert figures["d_class_talents"].status(finished) is None  # a tally has no target
    # A plan still running: a count at its elapsed share is on track.
    rules.add_version(
        "plan_targets",
        '{"name": "2026-2028", "start": "2026-01-01", "end": "2028-12-31", '
        '"targets": {"dual_qualified_ratio": "0.30", "enterprise_practice_person_times": 1}}',
        date(2026, 1, 1),
        "city",
        "next plan",
        by=_admin(),
    )
    db.session.commit()
    running = parse_period("2026-2028")
    assert running is not None and running.is_plan
    figures = Results(running).figures()
    assert figures["dual_qualified_ratio"].status(running) == "met"  # 4/11 ≥ 30%
    assert figures["enterprise_practice_person_times"].status(running) == "behind"  # 0 < 1×share
    assert figures["innovation_teams"].target is None  # the new plan sets no such target


def _admin():  # type: ignore[no-untyped-def]
    from core import accounts

    return accounts.create_user(username=f"adm{secrets.token_hex(3)}", password="x" * 12,
                                role=Role.ADMIN)  # fmt: skip


def test_the_api_answers_every_key_of_the_targets_table_for_each_scope(city, api_client, make_user):
    bureau = api_client(make_user(Role.BUREAU))
    for scope in ("city", "county:330302", "school:SCHA"):
        for period in ("2023-2025", "2025", str(today().year)):
            body = bureau("GET", f"/api/v1/indicators?scope={scope}&period={period}").json
            assert body["scope"] == scope and body["period"] == period
            assert set(body["indicators"]) == TARGET_KEYS
            for figure in body["indicators"].values():
                assert {"value", "target", "numerator", "denominator", "status",
                        "rule_version"} <= set(figure)  # fmt: skip
    county = bureau("GET", "/api/v1/indicators?scope=county:330302&period=2023-2025").json
    ratio = county["indicators"]["dual_qualified_ratio"]
    assert (ratio["numerator"], ratio["denominator"], ratio["value"]) == (3, 6, 0.5)
    assert ratio["status"] == "behind" and ratio["rule_version"] == "plan_targets 2023-2025"


def test_who_sees_which_scope(city, api_client, make_user):
    def status(user, scope: str) -> int:  # type: ignore[no-untyped-def]
        return api_client(user)("GET", f"/api/v1/indicators?scope={scope}").status_code

    city_bureau = make_user(Role.BUREAU)
    lucheng = make_user(Role.BUREAU, county="330302")
    hr_a = make_user(Role.SCHOOL_HR, school=city["A"])
    teacher = make_user(Role.TEACHER, teacher=city["ta"][3])
    organizer = make_user(Role.ORGANIZER)
    admin = make_user(Role.ADMIN)
    matrix = {
        "city": {city_bureau: 200, admin: 200, lucheng: 403, hr_a: 403, teacher: 403,
                 organizer: 403},
        "county:330302": {city_bureau: 200, lucheng: 200, hr_a: 403, teacher: 403},
        "county:330303": {city_bureau: 200, lucheng: 403, hr_a: 403},
        "school:SCHA": {city_bureau: 200, lucheng: 200, hr_a: 200, teacher: 403},
        "school:SCHC": {lucheng: 403, hr_a: 403, admin: 200},
    }  # fmt: skip
    for scope, expected in matrix.items():
        for user, code in expected.items():
            assert status(user, scope) == code, (scope, user.role, user.county_id)
    # Without a scope each opens their own; an unknown one is a field error.
    hr = api_client(hr_a)
    assert hr("GET", "/api/v1/indicators").json["scope"] == "school:SCHA"
    assert api_client(lucheng)("GET", "/api/v1/indicators").json["scope"] == "county:330302"
    bad = hr("GET", "/api/v1/indicators?scope=school:NO_PE&period=20x5")
    assert bad.status_code == 400 and set(bad.json["error"]["fields"]) == {"scope", "period"}
    unknown = hr("GET", "/api/v1/indicators?scope=school:NOPE&period=2099")
    assert unknown.status_code == 409 and set(unknown.json["error"]["fields"]) == {"scope"}


def test_any_scope_costs_the_same_few_queries(
    city, api_client, make_user, make_school, make_teacher
):
    call = api_client(make_user(Role.BUREAU))

    def statements(scope: str) -> int:
        count = 0

        def one(*_args: object) -> None:
            nonlocal count
            count += 1

        event.listen(db.engine, "before_cursor_execute", one)
        try:
            assert call("GET", f"/api/v1/indicators?scope={scope}&period=2025").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", one)
        return count

    before = {scope: statements(scope) for scope in ("city", "county:330302", "school:SCHA")}
    for n in range(4):
        school = make_school(code=f"SCHX{n}", county="330304")
        for _ in range(3):
            make_teacher(school=school)
    after = {scope: statements(scope) for scope in ("city", "county:330302", "school:SCHA")}
    assert before == after
    assert max(after.values()) <= 25


def test_every_indicator_has_a_definition_and_a_list_behind_it(city):
    from dashboard.drill import DRILLS
    from dashboard.indicators import BY_KEY

    assert set(KEYS) == TARGET_KEYS
    for key in KEYS:
        assert str(BY_KEY[key].definition) and key in DRILLS


def test_a_teacher_who_left_after_the_period_still_counts_for_it(city):
    teacher = city["ta"][0]
    teacher.status, teacher.leave_date = "left", date(2026, 1, 15)
    db.session.commit()
    plan = Results(parse_period("2023-2025"))
    assert plan.figure("dual_qualified_ratio").numerator == 4
    now = Results(parse_period(str(today().year)))
    assert now.figure("dual_qualified_ratio").denominator == 10


def test_the_boards_share_one_computation_until_a_record_changes(app, city, make_user, monkeypatch):
    from placements import mentor
    from placements import services as placements
    from placements.models import Placement
    from tests.conftest import counted_statements

    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 300)
    period = parse_period("2023-2025")
    first = Results(period).figure("enterprise_practice_person_times").numerator
    with counted_statements() as again:
        assert Results(period).figure("enterprise_practice_person_times").numerator == first
    assert len(again) == 1  # only the data version is read
    # The submitted placement is approved: an audited change, seen by the next board at once.
    waiting = db.session.scalars(select(Placement).where(Placement.status == "submitted")).one()
    hr = make_user(Role.SCHOOL_HR, school=waiting.teacher.school)
    mentor.confirm(mentor.create_link(waiting, hr), waiting.days, "陈工")
    placements.transition(waiting, "approve", hr)
    db.session.commit()
    assert Results(period).figure("enterprise_practice_person_times").numerator == first + 1


def test_a_list_read_off_its_figure_holds_exactly_the_figures_gap(city):
    """The not-yet-双师型 list takes its length from the board's figure rather than counting a
    province's teachers again: the two must name the same people, at every scope and period."""
    from dashboard.drill import DRILLS

    drill = DRILLS["dual_qualified_ratio"]
    left = city["ta"][3]
    left.status, left.leave_date = "left", date(2026, 1, 15)  # in post for the plan, not now
    db.session.commit()
    scopes = {"city": None, "county": (city["A"].id, city["B"].id), "school": (city["C"].id,)}
    for period_text in ("2023-2025", str(today().year)):
        period = parse_period(period_text)
        results = Results(period)
        for ids in scopes.values():
            school_ids = ids or tuple(s.id for s in (city["A"], city["B"], city["C"]))
            listed = db.session.scalars(drill.query(period, school_ids)).all()
            figure = results.figure("dual_qualified_ratio", ids)
            assert drill.counted(figure) == len(listed), (period_text, ids)


def test_the_ratios_list_pages_through_its_parts_as_the_one_ordered_query(
    make_school, make_teacher
):  # type: ignore[no-untyped-def]
    """The list behind the dual-qualified share, read a page at a time from its two parts (not
    yet dual-qualified, then the others), is the one ordered query's list: no row twice, none
    lost at the boundary, on every page size."""
    from dashboard.drill import _professional_page, _professional_query
    from dashboard.periods import parse_period

    a, b = make_school(), make_school()
    teachers = [make_teacher(school=s) for s in (a, b, a, b, a, a, b)]
    for t in teachers[1::3]:
        recognise(t, date(2024, 5, 1))
    period = parse_period(None)
    ids = (a.id, b.id)
    whole = [(t.id, bool(c)) for t, c in db.session.execute(_professional_query(period, ids))]
    assert sum(c for _t, c in whole) == 2 and len(whole) == 7
    for size in (1, 2, 3, 5, 7, 10):
        paged = []
        for offset in range(0, 12, size):
            paged += [(t.id, c) for t, c in _professional_page(period, ids, offset, size)]
        assert paged == whole, size


def test_the_cap_is_one_rule_the_appointments_and_the_boards_read(city, make_user):  # type: ignore[no-untyped-def]  # noqa: F811
    """The 30% cap was written twice: the appointments' rule and a plan target the boards read.
    A city that lowers the cap to 25% now sees 25% on the board as well as at approval."""
    from teachers.appointments.capacity import cap_for

    period = parse_period(str(today().year))
    assert Results(period).figure("part_time_ratio").target == Decimal("0.30")
    rules.add_version("part_time_cap_ratio", "0.25", date(today().year, 1, 1), "city",
                      "市局通知", make_user(Role.ADMIN))  # fmt: skip
    db.session.commit()
    assert Results(period).figure("part_time_ratio").target == Decimal("0.25")
    assert cap_for(100) == 25  # the appointments' own reading of the same rule

"""The dashboard keeps its per-school figures and, after an audited change, computes again only
the schools the change touched: the figures must always equal a count from scratch."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import delete, func, select

from core import audit, org
from core.accounts import create_token
from core.extensions import db
from core.models import AuditEntry, Role
from core.ratelimit import redis_client
from core.timeutil import today
from dashboard import freshness, jobs
from dashboard import kept as dashboard_kept
from dashboard.indicators import BY_KEY, KEYS, Results
from dashboard.periods import parse_period
from placements import stats as placement_stats
from tests.dashboard.test_indicators import city  # noqa: F401  (the fixture)


@pytest.fixture
def kept(app, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 300)
    computed: list[object] = []  # the schools each person-times computation was asked for
    real = placement_stats.person_times

    def spy(start, end, by="city", schools=None):  # type: ignore[no-untyped-def]
        computed.append(None if schools is None else set(schools))
        return real(start, end, by=by, schools=schools)

    monkeypatch.setattr(placement_stats, "person_times", spy)
    return computed


def from_scratch(period):  # type: ignore[no-untyped-def]
    return {key: BY_KEY[key].compute(period, None) for key in KEYS}


@pytest.mark.audit_made_up
def test_a_change_at_one_school_is_counted_again_alone(city, kept, make_user, make_teacher):  # noqa: F811
    from placements import mentor
    from placements import services as placements
    from placements.models import Placement
    from teachers.services import mark_left

    for text in ("2023-2025", str(today().year)):
        period = parse_period(text)
        kept.clear()
        assert Results(period).per_school == from_scratch(period)
        assert kept == [None, None]  # the first board counts every school (plus from_scratch)

    period = parse_period(str(today().year))
    plan = parse_period("2023-2025")
    a, b, c = city["A"], city["B"], city["C"]

    # HR of C approves the submitted placement: C's figures move, and only C is counted again.
    waiting = db.session.scalars(select(Placement).where(Placement.status == "submitted")).one()
    hr = make_user(Role.SCHOOL_HR, school=c)
    mentor.confirm(mentor.create_link(waiting, hr), waiting.days, "陈工")
    placements.transition(waiting, "approve", hr)
    db.session.commit()
    kept.clear()
    figures, now = Results(plan).per_school, Results(period).per_school
    assert kept == [{c.id}, {c.id}]  # (HR's new account is audited too, and counts for nothing)
    assert figures == from_scratch(plan) and now == from_scratch(period)
    assert figures["enterprise_practice_person_times"][c.id] == (2, None)

    # A teacher joins B and one leaves A: each school's figures move, the others are kept.
    before = now["dual_qualified_ratio"]
    make_teacher(school=b)
    mark_left(city["ta"][3], today(), "调离", make_user(Role.SCHOOL_HR, school=a))
    db.session.commit()
    kept.clear()
    now = Results(period).per_school
    assert kept == [{a.id, b.id}]
    assert now == from_scratch(period)
    assert now["dual_qualified_ratio"][a.id][1] == before[a.id][1] - 1
    assert now["dual_qualified_ratio"][b.id][1] == before[b.id][1] + 1

    # A school's enrolment moves its participation only: the other indicators are not counted
    # again, not even for that school.
    before = now["competition_participation_rate"].get(c.id, (0, 0))
    org.set_enrollment(c, today().year, 800, make_user(Role.SCHOOL_HR, school=c))
    db.session.commit()
    kept.clear()
    now = Results(period).per_school
    assert kept == []  # person-times untouched
    assert now == from_scratch(period)
    assert now["competition_participation_rate"][c.id][1] == before[1] + 800

    # Signing in or making a token counts for nothing: the kept figures are used as they are.
    create_token(make_user(Role.SCHOOL_HR, school=a), "对接")
    db.session.commit()
    kept.clear()
    assert Results(period).per_school == from_scratch(period)
    assert kept == [None]  # from_scratch only

    # A change that belongs to no school (a rule, a competition) counts every school again.
    audit.record("part_time_policy", None, note="县级政策调整")
    db.session.commit()
    kept.clear()
    Results(period)
    assert kept == [None]


def test_an_entry_committed_after_a_newer_one_is_still_seen(city, make_user):  # noqa: F811
    """Ids are taken at write and seen at commit: an entry that shows up below the newest id the
    board had read (a slower transaction) must still name its school."""
    a, c = city["A"], city["C"]
    hr = make_user(Role.SCHOOL_HR, school=a)
    entries = [audit.record("update", hr, school_id=a.id) for _ in range(3)]
    db.session.commit()
    late = entries[1].id
    db.session.execute(delete(AuditEntry).where(AuditEntry.id == late))
    db.session.commit()

    mark = freshness.mark()
    assert mark.top == entries[2].id and late in mark.unseen
    assert freshness.since(mark) == (mark, {})

    db.session.add(
        AuditEntry(id=late, action="approve", object_type="Placement", object_id="1",
                   school_id=c.id, changes={})
    )  # fmt: skip
    db.session.commit()
    new, changes = freshness.since(mark)
    assert changes == {c.id: {"Placement"}}
    assert late not in new.unseen and new.top == mark.top


@pytest.mark.audit_made_up
def test_a_burst_of_entries_or_an_unknown_kind_means_every_school(city, make_user):  # noqa: F811
    a = city["A"]
    hr = make_user(Role.SCHOOL_HR, school=a)
    mark = freshness.mark()
    audit.record("create", hr, school_id=a.id, label="x")  # a user: counts for nothing
    db.session.commit()
    assert freshness.since(mark)[1] == {}
    db.session.add(AuditEntry(action="create", object_type="Upload", school_id=a.id, changes={}))
    db.session.commit()
    assert freshness.since(mark)[1] is None  # a kind the dashboard does not know

    mark = freshness.mark()
    for _ in range(freshness.MANY + 1):
        db.session.add(
            AuditEntry(action="create", object_type="Teacher", school_id=a.id, changes={})
        )
    db.session.commit()
    new, schools = freshness.since(mark)
    assert schools is None
    assert new.top == db.session.scalar(select(func.max(AuditEntry.id)))
    assert freshness.since(new) == (new, {})


@pytest.fixture
def shared(app, kept, monkeypatch):  # type: ignore[no-untyped-def]
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("the shared copy lives in Redis (TEST_REDIS_URL)")
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    client = redis_client(url)
    for key in client.scan_iter("shuangshi:dashboard:*"):
        client.delete(key)
    monkeypatch.setattr(dashboard_kept, "_local", {})
    return kept


def test_a_new_process_starts_from_the_figures_the_others_keep(city, shared, make_user):  # noqa: F811
    from placements import mentor
    from placements import services as placements
    from placements.models import Placement

    period = parse_period("2023-2025")
    first = Results(period).per_school
    dashboard_kept._local.clear()  # another worker, or this one restarted
    assert Results(period).per_school == first
    assert shared == [None]  # counted once, by the first process

    waiting = db.session.scalars(select(Placement).where(Placement.status == "submitted")).one()
    hr = make_user(Role.SCHOOL_HR, school=city["C"])
    mentor.confirm(mentor.create_link(waiting, hr), waiting.days, "陈工")
    placements.transition(waiting, "approve", hr)
    db.session.commit()
    dashboard_kept._local.clear()
    shared.clear()
    assert Results(period).per_school == from_scratch(period)
    assert shared == [{city["C"].id}, None]  # the new process added the one school changed

    # The job counts the boards' periods in full; a process started after it counts nothing.
    assert jobs.keep_figures() == {"periods": 2}
    dashboard_kept._local.clear()
    shared.clear()
    for text in ("2023-2025", str(today().year)):
        Results(parse_period(text))
    assert shared == []


def test_without_redis_the_figures_are_still_counted_here(city, kept, app, monkeypatch):  # noqa: F811
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    period = parse_period("2023-2025")
    assert Results(period).per_school == from_scratch(period)
    assert jobs.keep_figures() == {"periods": 2}


def test_after_a_change_the_shared_copy_is_rewritten_for_that_school_alone(
    city,  # noqa: F811
    shared,
    make_user,
    make_teacher,  # noqa: F811
):
    """A change at one school writes that school's part of the copy the processes share, not a
    province's figures; a process a change behind the copy adds what changed since the copy's
    mark; whoever reads the copy reads a count from scratch."""
    from teachers.services import mark_left

    client = redis_client(os.environ["TEST_REDIS_URL"])
    a, b = city["A"], city["B"]

    staff = {a.id: list(city["ta"]), b.id: list(city["tb"])}

    def leaves(school):  # type: ignore[no-untyped-def]
        """One of the school's teachers leaves: the school's count of teachers moves."""
        teacher = staff[school.id].pop()
        mark_left(teacher, today(), "调离", make_user(Role.SCHOOL_HR, school=school))
        db.session.commit()

    period = parse_period(str(today().year))
    Results(period)  # the first process counts every school and shares them
    (key,) = client.scan_iter("shuangshi:dashboard:*")
    b_part = client.hget(key, str(b.id))
    client.hset(key, str(b.id), b"{}")  # a marker in B's part: a full rewrite would replace it

    leaves(a)
    Results(period)  # this process counts A again and writes A's part alone
    assert client.hget(key, str(b.id)) == b"{}"
    client.hset(key, str(b.id), b_part)
    dashboard_kept._local.clear()  # a new process reads the copy
    assert Results(period).per_school == from_scratch(period)

    behind = dict(dashboard_kept._local)  # this process as it is now
    leaves(a)
    Results(period)  # another process counts A again: the copy is a change ahead of `behind`
    dashboard_kept._local.clear()
    dashboard_kept._local.update(behind)
    leaves(b)
    Results(period)  # `behind` counts A and B, and writes what changed since the copy's mark
    dashboard_kept._local.clear()
    assert Results(period).per_school == from_scratch(period)

    # The copy a change behind this process (a write that did not reach Redis): the next write
    # adds what changed since the copy's mark, not only since this process's own.
    Results(period)
    before = client.hgetall(key)
    leaves(a)
    Results(period)
    client.delete(key)
    client.hset(key, mapping=before)  # as if this process's last write was lost
    leaves(b)
    Results(period)
    dashboard_kept._local.clear()
    assert Results(period).per_school == from_scratch(period)


def test_the_sums_a_board_keeps_move_with_its_figures(city, kept, app, make_user):  # noqa: F811
    """A board's per-county (per-school) sums are kept with the figures they sum: after a change
    the next board sums again, and reads what a board without anything kept reads."""
    from teachers.services import mark_left

    period = parse_period(str(today().year))
    groups = [[city["A"].id], [city["B"].id, city["C"].id]]
    before = Results(period).figures_of(groups)
    assert Results(period).figures_of(groups) is before  # kept: not summed again
    mark_left(city["ta"][0], today(), "调离", make_user(Role.SCHOOL_HR, school=city["A"]))
    db.session.commit()
    after = Results(period).figures_of(groups)
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    assert after == Results(period).figures_of(groups) != before


def test_a_copy_cut_short_is_counted_again_not_an_error(city, shared):  # noqa: F811
    """A shared copy missing a part (expired between two writes) is not read: the process counts
    for itself."""
    period = parse_period(str(today().year))
    Results(period)
    client = redis_client(os.environ["TEST_REDIS_URL"])
    (key,) = client.scan_iter("shuangshi:dashboard:*")
    client.hdel(key, "keys")
    dashboard_kept._local.clear()
    assert Results(period).per_school == from_scratch(period)

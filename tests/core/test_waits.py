"""Every waiting step is in exactly one person's (or one role's) 待办, named right.

The walk puts one record of every kind in every state of its workflow (and the variants a state
splits into: a placement the mentor has or has not confirmed, a notice period running or over)
and asks each person of a small city — teachers, HR of two schools and of a school with a single
HR account, the county's and another county's bureau, the city's, the administrator, an
organizer — what their 待办 holds. A record in a waiting state must be in the 待办 of exactly
those of one role whom the transition table allows to take its next step, and in nobody else's;
the hand-over tells the same people; a final state is in nobody's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from competitions import services as competitions
from core.extensions import db
from core.models import County, Role, User
from core.timeutil import today
from core.workflow import SYSTEM, Workflow
from dashboard.assessment import services as assessment
from dashboard.assessment.models import CountyAssessment, Interview
from placements import services as placements
from placements.enterprise_jobs import JOB_WORKFLOW
from placements.models import Confirmation, EnterpriseJob
from recognition.models import Recognition
from recognition.workflow import RECOGNITION
from teachers import services as roster
from teachers.appointments import services as appointments
from teachers.teams import services as teams
from teachers.teams.models import InnovationTeam, Nomination, OverseasBatch
from tests.teachers.test_appointments import person

# Steps that put a record right or end it, not the step it waits for.
CORRECTIVE = {"withdraw", "revoke", "terminate", "leave", "reinstate", "retry"}
WORKFLOWS = {
    "placement": placements.WORKFLOW,
    "appointment": appointments.WORKFLOW,
    "recognition": RECOGNITION,
    "team": teams.TEAM_WORKFLOW,
    "nomination": teams.NOMINATION_WORKFLOW,
    "job": JOB_WORKFLOW,
    "competition": competitions.WORKFLOW,
    "county_assessment": assessment.ASSESSMENT_WORKFLOW,
    "interview": assessment.INTERVIEW_WORKFLOW,
}


@pytest.fixture
def city(make_school, make_teacher, make_user, make_enterprise):  # type: ignore[no-untyped-def]
    a, b = make_school(county="330302"), make_school(county="330302")
    lone = make_school(county="330302")  # one HR account
    teacher = make_teacher(school=a)
    people = {
        "teacher": make_user(Role.TEACHER, teacher=teacher),
        "colleague": make_user(Role.TEACHER, school=a),
        "teacher_b": make_user(Role.TEACHER, school=b),
        "hr_a1": make_user(Role.SCHOOL_HR, school=a),
        "hr_a2": make_user(Role.SCHOOL_HR, school=a),
        "hr_b": make_user(Role.SCHOOL_HR, school=b),
        "hr_lone": make_user(Role.SCHOOL_HR, school=lone),
        "county": make_user(Role.BUREAU, county="330302"),
        "other_county": make_user(Role.BUREAU, county="330303"),
        "city": make_user(Role.BUREAU),
        "admin": make_user(Role.ADMIN),
        "organizer": make_user(Role.ORGANIZER),
    }
    return {"a": a, "lone": lone, "teacher": teacher, "people": people,
            "enterprise": make_enterprise()}  # fmt: skip


def waiting_for(workflow: Workflow, user: Any) -> set[int]:
    return set(db.session.scalars(select(workflow.model.id).where(workflow.waiting_for(user))))


def check(workflow: Workflow, record: Any, people: dict[str, Any], *, waits: bool) -> Any:
    """Assert whose 待办 `record` is in; returns the wait it is in (None when final)."""
    db.session.flush()
    named = {u.id for u in people.values()}
    people = {**people, **{u.username: u for u in db.session.scalars(select(User))
                           if u.id not in named}}  # everyone the fixtures made too  # fmt: skip
    wait = workflow.waiting(record)
    seen = {n for n, u in people.items() if record.id in waiting_for(workflow, u)}
    for name, user in people.items():  # the inbox's line counts it for them alone
        counted = sum(i.count for i in workflow.inbox(user))
        assert counted == (1 if name in seen else 0), (record.status, name)
    if not waits:
        assert wait is None and not seen, (record.status, seen)
        return None
    assert wait is not None and seen, f"{record.status}: in nobody's 待办"

    def can(user: Any) -> bool:
        if wait.may is not None:
            return wait.may(user, record)
        return any(workflow.table[(record.status, a)].allowed(user, record) for a in wait.steps)

    roles = {people[n].role for n in seen}
    assert len(roles) == 1, f"{record.status}: in the 待办 of {seen}"
    allowed = {n for n, u in people.items() if can(u)}
    assert seen == {n for n in allowed if people[n].role in roles}, (record.status, seen, allowed)
    assert "admin" not in seen
    assert set(workflow.next_people(record)) == {people[n].id for n in seen}  # whom it tells
    assert str(workflow.status_label(record)) == str(wait.actor)
    return wait


def walk(
    workflow: Workflow,
    record: Any,
    people: dict[str, Any],
    variants: list,  # type: ignore[type-arg]
    also: tuple[Any, ...] = (),
) -> None:
    """Put `record` through each (state, fields, waits?) and check it; every wait of the
    workflow must be met on the way (or be among the waits met `also`, by other records), and
    every state of the table in the walk."""
    met = {id(w) for w in also}
    walked = set()
    for state, fields, waits in variants:
        record.status = state
        for key, value in fields.items():
            setattr(record, key, value)
        walked.add(state)
        wait = check(workflow, record, people, waits=waits)
        if wait is not None:
            met.add(id(wait))
    assert met == {id(w) for w in workflow.waits}, "a wait the walk never met"
    assert walked >= set(workflow.states), set(workflow.states) - walked


def test_every_workflow_names_a_wait_for_each_state_with_a_step_forward() -> None:
    for name, workflow in WORKFLOWS.items():
        waiting = {w.state for w in workflow.waits}
        for (state, action), step in workflow.table.items():
            if step.allowed is not SYSTEM and action not in CORRECTIVE:
                assert state in waiting, f"{name}: “{state}” has the step “{action}”, no wait"


def test_placements(city, make_placement) -> None:  # type: ignore[no-untyped-def]
    p = make_placement(city["teacher"], today() - timedelta(days=60), status="draft")
    walk(placements.WORKFLOW, p, city["people"], [
        ("draft", {}, True),
        ("submitted", {"confirmation": Confirmation.NONE}, True),
        ("submitted", {"confirmation": Confirmation.MENTOR}, True),
        ("returned", {}, True),
        ("approved", {}, False), ("rejected", {}, False), ("withdrawn", {}, False),
    ])  # fmt: skip


def test_appointments(city) -> None:  # type: ignore[no-untyped-def]
    people = city["people"]
    # The school with one HR account: the bureau gives the second approval, and says so.
    lone = appointments.save_draft(city["lone"], person(), people["hr_lone"])
    lone.status = "submitted"
    stand_in = check(appointments.WORKFLOW, lone, people, waits=True)
    assert "教育局" in str(stand_in.actor)
    lone.status = "rejected"
    a = appointments.save_draft(city["a"], person(), people["hr_a1"])
    walk(appointments.WORKFLOW, a, people, [
        ("draft", {}, True), ("submitted", {}, True), ("pending_bureau", {}, True),
        ("approved", {}, False), ("rejected", {}, False), ("terminated", {}, False),
        ("ended", {}, False),
    ], also=(stand_in,))  # fmt: skip


def test_an_appointment_s_step_is_one_group_s_across_county_and_city(  # type: ignore[no-untyped-def]
    city, make_school, make_user
) -> None:
    """The second approval of a 鹿城区 school was in both the city's and 鹿城区's 待办, each told
    to approve; an HR's own draft was in the other HR's 待办. Each is one group's now: the
    county's bureau (the city's where the county has none), the HR who drafted it."""
    people = city["people"]
    a = appointments.save_draft(city["a"], person(), people["hr_a1"])

    def whose() -> set[str]:
        db.session.flush()
        return {n for n, u in people.items()
                if a.id in waiting_for(appointments.WORKFLOW, u)}  # fmt: skip

    assert whose() == {"hr_a1"}
    a.status = "submitted"
    assert whose() == {"hr_a2"}
    a.status = "pending_bureau"
    assert whose() == {"county"}
    assert set(appointments.WORKFLOW.next_people(a)) == {people["county"].id}
    assert not appointments.is_county_bureau(people["city"], a)
    # A county with no bureau account of its own: the city's bureau takes the step.
    far = make_school(county="330305")
    far_hr = make_user(Role.SCHOOL_HR, school=far)
    b = appointments.save_draft(far, person(), far_hr)
    b.status = "pending_bureau"
    db.session.flush()
    assert b.id in waiting_for(appointments.WORKFLOW, people["city"])
    assert b.id not in waiting_for(appointments.WORKFLOW, people["county"])
    assert appointments.is_county_bureau(people["city"], b)
    # The drafter gone, the draft is any HR of the school's to send.
    people["hr_a1"].enabled = False
    a.status = "draft"
    assert whose() == {"hr_a2"}


def test_recognitions(city) -> None:  # type: ignore[no-untyped-def]
    r = Recognition(kind="dual_qualified", teacher_id=city["teacher"].id, status="applied",
                    tier="intermediate")  # fmt: skip
    db.session.add(r)
    walk(RECOGNITION, r, city["people"], [
        ("applied", {}, True), ("returned", {}, True), ("school_passed", {}, True),
        ("notice", {"notice_until": today() + timedelta(days=3)}, False),  # 公示 runs
        ("notice", {"notice_until": today() - timedelta(days=1)}, True),
        ("confirmed", {}, False), ("rejected", {}, False), ("revoked", {}, False),
        ("cancelled", {}, False), ("withdrawn", {}, False),
        ("pending", {"kind": "d_class", "tier": "D"}, True),
    ])  # fmt: skip


def test_teams_and_nominations(city) -> None:  # type: ignore[no-untyped-def]
    team = InnovationTeam(school_id=city["a"].id, name="智能制造创新团队", field="机电",
                          level_sought="city", leader_id=city["teacher"].id,
                          status="draft")  # fmt: skip
    db.session.add(team)
    walk(teams.TEAM_WORKFLOW, team, city["people"], [
        ("draft", {}, True), ("applied", {}, True), ("approved", {}, True),
        ("building", {"building_end": today() + timedelta(days=300)}, False),
        ("building", {"building_end": today() - timedelta(days=1)}, True),
        ("accepted", {}, False), ("failed", {}, False), ("rejected", {}, False),
        ("withdrawn", {}, False),
    ])  # fmt: skip
    batch = OverseasBatch(theme="德国双元制", country="德国",
                          start_date=today() + timedelta(days=30),
                          end_date=today() + timedelta(days=50), capacity=5)  # fmt: skip
    db.session.add(batch)
    db.session.flush()
    n = Nomination(batch_id=batch.id, teacher_id=city["teacher"].id, status="nominated")
    db.session.add(n)
    n.status = "confirmed"  # back home: the report is due
    batch.start_date, batch.end_date = today() - timedelta(days=40), today() - timedelta(days=10)
    report = check(teams.NOMINATION_WORKFLOW, n, city["people"], waits=True)
    assert report.steps == ("report",)
    batch.start_date, batch.end_date = today() + timedelta(days=30), today() + timedelta(days=50)
    walk(teams.NOMINATION_WORKFLOW, n, city["people"], [
        ("nominated", {}, True), ("selected", {}, True), ("confirmed", {}, False),
        ("declined", {}, False), ("reported", {}, False),
    ], also=(report,))  # fmt: skip


def test_jobs_and_competitions(city, make_competition) -> None:  # type: ignore[no-untyped-def]
    job = EnterpriseJob(teacher_id=city["teacher"].id, enterprise_id=city["enterprise"].id,
                        role="工艺顾问", start_date=today(), end_date=today() + timedelta(days=90),
                        hours_per_week=Decimal(4), status="requested")  # fmt: skip
    db.session.add(job)
    walk(JOB_WORKFLOW, job, city["people"], [
        ("requested", {}, True), ("consented", {}, False), ("refused", {}, False),
        ("withdrawn", {}, False),
    ])  # fmt: skip
    c = make_competition(registration_opens=today() - timedelta(days=30),
                         registration_closes=today() + timedelta(days=3))  # fmt: skip
    walk(competitions.WORKFLOW, c, city["people"], [
        ("draft", {}, True), ("open", {}, False),  # registration runs: nobody's step yet
        ("open", {"registration_closes": today() - timedelta(days=1)}, True),
        ("closed", {}, True), ("published", {}, False),
    ])  # fmt: skip


def test_the_roster_workflow_waits_for_nobody() -> None:
    assert not roster.WORKFLOW.waits  # in post or left: corrections, never a hand-over


def test_the_county_assessment_and_its_interviews(city) -> None:  # type: ignore[no-untyped-def]
    year = CountyAssessment(year=today().year - 1, status="draft")
    db.session.add(year)
    walk(assessment.ASSESSMENT_WORKFLOW, year, city["people"], [
        ("draft", {}, True),  # the year is over: the city bureau publishes it
        ("draft", {"year": today().year}, False),  # a year still running waits for nobody
        ("published", {}, False),
    ])  # fmt: skip
    county = db.session.scalars(select(County).filter_by(code="330302")).one()
    interview = Interview(year=today().year - 1, county_id=county.id, held_on=today(),
                          attendees="市局；鹿城区", issues="落后", status="open")  # fmt: skip
    db.session.add(interview)
    walk(assessment.INTERVIEW_WORKFLOW, interview, city["people"], [
        ("open", {}, True), ("reported", {}, True), ("closed", {}, False),
    ])  # fmt: skip

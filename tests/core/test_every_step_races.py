"""Every step of every workflow, raced: for each (state, action) of each table, a record is put in
that state and twenty callers allowed to take the step take it at the same moment. At most one
succeeds (exactly one where the step's own rule lets it), with one audit entry; every other gets
an answer (the record has changed, or the rule refuses), never a deadlock or a crash."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core import tasks
from core.extensions import db
from core.models import AuditEntry, Role, User
from core.timeutil import today
from core.workflow import SYSTEM, Workflow
from tests.core import test_tasks  # noqa: F401  (registers the task kind "tests.slow_count")
from tests.core.test_races import race

RACERS = 20
# Steps whose rule refuses the record the matrix builds (they are won in their own tests).
REFUSED_HERE = {
    ("appointments", "end"),  # the term is still running
    ("nominations", "report"),  # the visit has not ended
}


def _pdf() -> FileStorage:
    from tests.teachers.test_teams import pdf

    return pdf()


class Case:
    """One workflow: how to make its record in a state, who may act, how a step is called."""

    def __init__(
        self,
        name: str,
        workflow: Workflow,
        make: Callable[[str], Any],
        people: list[User],
        call: Callable[[Any, str, User | None], Any] | None = None,
    ) -> None:
        self.name, self.workflow, self.make, self.people = name, workflow, make, people
        self.call = call or (lambda r, action, by: workflow.transition(r, action, by, "理由"))


def _cases(f: dict[str, Any]) -> list[Case]:  # noqa: C901  (one small factory per workflow)
    from competitions import services as competitions
    from placements import enterprise_jobs
    from placements import services as placements
    from recognition import workflow as recognition
    from recognition.models import Kind, Recognition
    from teachers import services as teachers
    from teachers.appointments import services as appointments
    from teachers.teams import services as teams
    from tests.teachers.test_appointments import submitted

    school, hr, hr2 = f["school_with_staff"](n=30)
    bureau, city_bureau = f["make_user"](Role.BUREAU, county="330302"), f["make_user"](Role.BUREAU)
    admin, organizer = f["make_user"](Role.ADMIN), f["make_user"](Role.ORGANIZER)
    teacher = f["make_teacher"](school=school)
    teacher_user = f["make_user"](Role.TEACHER, teacher=teacher)
    staff = [hr, hr2, bureau, city_bureau, admin, organizer, teacher_user]
    start = [today() - timedelta(days=3000)]

    def placement(state: str, action: str = "") -> Any:
        start[0] += timedelta(days=15)
        # A confirmation is raced on a placement the enterprise has not confirmed yet.
        unconfirmed = action in ("mentor_confirmed", "confirmed")
        p = f["make_placement"](
            teacher, start[0],
            status="draft" if state == "draft" else "submitted" if unconfirmed else "confirmed",
        )  # fmt: skip
        if not p.evidence:
            from placements.demo import agreement_file

            placements.add_evidence(p, "agreement", agreement_file(), teacher_user)
        p.status = state
        return p

    confirming = {"mentor_confirmed": lambda: {"days": Decimal(5), "mentor": "陈工"},
                  "confirmed": lambda: {"file": _pdf()}}  # fmt: skip

    def appointment(state: str, _action: str = "") -> Any:
        a = submitted(school, hr)
        a.status = state
        return a

    team_of = f["school_team"]

    def team(state: str, _action: str = "") -> Any:
        t, _hr = team_of()
        teams.attach_application(t, _pdf(), _hr)
        t.status = state
        staff.append(_hr)
        return t

    batch = teams.create_batch(
        {"theme": "双元制", "country": "德国", "start_date": today() + timedelta(days=30),
         "end_date": today() + timedelta(days=50), "capacity": 50},
        [], city_bureau,
    )  # fmt: skip

    def nomination(state: str, _action: str = "") -> Any:
        someone = f["make_teacher"](school=school)
        n = teams.nominate(batch, someone, hr)
        staff.append(f["make_user"](Role.TEACHER, teacher=someone))
        n.status = state
        return n

    def job(state: str, _action: str = "") -> Any:
        j = enterprise_jobs.request_consent(
            teacher, f["make_enterprise"](),
            {"role": "顾问", "start_date": date(2025, 9, 1), "end_date": date(2026, 7, 31),
             "hours_per_week": Decimal(4)},
            teacher_user,
        )  # fmt: skip
        j.status = state
        return j

    def recognition_in(state: str, _action: str = "") -> Any:
        d_class = state in ("pending", "withdrawn")
        r = Recognition(
            kind=Kind.D_CLASS if d_class else Kind.DUAL_QUALIFIED, teacher_id=teacher.id,
            status=state, tier="D" if d_class else "junior",
            notice_until=today() - timedelta(days=1), confirmed_on=date(2025, 1, 1),
            recheck_due=date(2030, 1, 1),
        )  # fmt: skip
        db.session.add(r)
        return r

    def competition(state: str, _action: str = "") -> Any:
        c = f["national"]["skills"] if state != "draft" else f["make_competition"]()
        c.status = state
        return c

    def teacher_in(state: str, _action: str = "") -> Any:
        t = f["make_teacher"](school=school)
        t.status = state
        t.leave_date = today() if state == "left" else None
        return t

    def task(state: str, _action: str = "") -> Any:
        t = tasks.start("tests.slow_count", admin, {"n": 1})
        t.status = state
        t.lease_until = None
        return t

    leave = {"leave": {"leave_date": today()}}
    approve = {"approve": {"project_no": "WZ-1", "building_start": today(),
                           "building_end": today() + timedelta(days=700)}}  # fmt: skip
    return [
        Case("placements", placements.WORKFLOW, placement, staff,
             lambda r, a, u: placements.WORKFLOW.transition(
                 r, a, u, "理由", **confirming.get(a, dict)())),
        Case("appointments", appointments.WORKFLOW, appointment, staff),
        Case("teams", teams.TEAM_WORKFLOW, team, staff,
             lambda r, a, u: teams.TEAM_WORKFLOW.transition(r, a, u, "理由", **approve.get(a, {}))),
        Case("nominations", teams.NOMINATION_WORKFLOW, nomination, staff),
        Case("enterprise jobs", enterprise_jobs.JOB_WORKFLOW, job, staff),
        Case("recognitions", recognition.RECOGNITION, recognition_in, staff),
        Case("competitions", competitions.WORKFLOW, competition, staff),
        Case("teachers", teachers.WORKFLOW, teacher_in, staff,
             lambda r, a, u: teachers.WORKFLOW.transition(r, a, u, "调离", **leave.get(a, {}))),
        Case("tasks", tasks.TASK_WORKFLOW, task, staff),
    ]  # fmt: skip


def _audits(record: Any, action: str) -> int:
    return db.session.scalar(
        select(func.count(AuditEntry.id)).where(
            AuditEntry.object_type == type(record).__name__,
            AuditEntry.object_id == str(record.id),
            AuditEntry.action == action,
        )
    )


def test_every_step_of_every_workflow_has_one_winner(  # type: ignore[no-untyped-def]
    app, monkeypatch, school_with_staff, make_user, make_teacher, make_placement,
    make_enterprise, school_team, national, make_competition,
):  # fmt: skip
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    monkeypatch.setattr(tasks, "send", lambda *_a, **_k: None)
    fixtures = {
        "school_with_staff": school_with_staff, "make_user": make_user,
        "make_teacher": make_teacher, "make_placement": make_placement,
        "make_enterprise": make_enterprise, "school_team": school_team, "national": national,
        "make_competition": make_competition,
    }  # fmt: skip
    raced = 0
    for case in _cases(fixtures):
        for (state, action), step in case.workflow.table.items():
            record = case.make(str(state), action)
            db.session.commit()
            model, record_id = type(record), record.id
            if step.allowed is SYSTEM:
                actors = [case.people[0].id] * RACERS
                take = lambda r, _u, c=case, a=action: c.call(r, a, None)  # noqa: E731
            else:
                allowed = [u.id for u in case.people if step.allowed(u, record)]
                assert allowed, f"{case.name}: nobody may {action} from {state}"
                actors = (allowed * RACERS)[:RACERS]
                take = lambda r, u, c=case, a=action: c.call(r, a, u)  # noqa: E731
            before = _audits(record, step.audit_as or action)
            outcomes = race(app, model, record_id, actors, take)
            won = outcomes.count("won")
            crashed = [o for o in outcomes if o != "won" and not o.islower()]
            assert not crashed, (case.name, state, action, crashed)
            if (case.name, action) in REFUSED_HERE:
                assert won == 0, (case.name, state, action, outcomes)
            elif step.to == state:  # keeps the state: each objection is kept, a claim won once
                after = _audits(db.session.get(model, record_id), step.audit_as or action)
                assert won >= 1 and after == before + won, (case.name, action, outcomes)
            else:
                assert won == 1, (case.name, state, action, outcomes)
                record = db.session.get(model, record_id)
                after = _audits(record, step.audit_as or action)
                assert after == before + 1, (case.name, action)
            raced += 1
    assert raced >= 45  # every step of the nine tables

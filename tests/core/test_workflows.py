"""Every state change goes through a workflow's `transition`: no module of the product sets a
record's status itself, and each workflow's steps hold under a race (twenty calls at once, one
success) like those of tests/core/test_races.py."""

from __future__ import annotations

import re
import subprocess
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from core import tasks
from core.extensions import db
from core.models import Role, Task, TaskStatus
from core.timeutil import today
from core.workflow import SYSTEM, Workflow
from tests.core import test_tasks  # noqa: F401  (registers the task kind "tests.slow_count")
from tests.core.test_races import RACERS, audits, race

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ["core", "teachers", "placements", "competitions", "recognition", "dashboard"]
# A status written by hand: `x.status = …`, `setattr(x, "status", …)`, an UPDATE's `status=`.
DIRECT = re.compile(r"\.status\s*=[^=]|setattr\([^)]*[\"']status[\"']|values\((.*[^_\w])?status=")


def test_no_module_sets_a_status_outside_the_workflow():
    files = subprocess.run(
        ["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    found = []
    for name in files:
        # The mechanism itself; demo data seeds a history (a school at its cap years ago).
        if not name.endswith(".py") or name == "core/workflow.py" or name.endswith("/demo.py"):
            continue
        for n, line in enumerate((ROOT / name).read_text().splitlines(), start=1):
            code = line.split("#")[0]
            if DIRECT.search(code) and "filters" not in name and "f.status" not in code:
                found.append(f"{name}:{n}: {line.strip()}")
    assert not found, "status set outside a workflow's transition:\n" + "\n".join(found)


def test_every_workflow_names_its_states_and_actions(app):
    """Each table's states and actions have labels (a refusal names them in words)."""
    import competitions.services
    import placements.enterprise_jobs
    import placements.services
    import recognition.workflow
    import teachers.appointments.services
    import teachers.services
    import teachers.teams.services

    workflows = [
        placements.services.WORKFLOW,
        placements.enterprise_jobs.JOB_WORKFLOW,
        teachers.appointments.services.WORKFLOW,
        teachers.teams.services.TEAM_WORKFLOW,
        teachers.teams.services.NOMINATION_WORKFLOW,
        teachers.services.WORKFLOW,
        recognition.workflow.RECOGNITION,
        competitions.services.WORKFLOW,
        tasks.TASK_WORKFLOW,
    ]
    for workflow in workflows:
        assert isinstance(workflow, Workflow)
        for (state, action), step in workflow.table.items():
            assert state in workflow.states and step.to in workflow.states, (state, step.to)
            assert step.allowed is SYSTEM or action in workflow.actions, action


def test_twenty_consents_to_one_enterprise_job(
    app, teacher_with_account, make_user, make_enterprise
):  # type: ignore[no-untyped-def]
    from placements import enterprise_jobs
    from placements.models import EnterpriseJob

    teacher, user = teacher_with_account()
    job = enterprise_jobs.request_consent(
        teacher, make_enterprise(),
        {"role": "技术顾问", "start_date": date(2025, 9, 1), "end_date": date(2026, 7, 31),
         "hours_per_week": Decimal(4)},
        user,
    )  # fmt: skip
    db.session.commit()
    hrs = [make_user(Role.SCHOOL_HR, school=teacher.school).id for _ in range(RACERS)]
    outcomes = race(app, EnterpriseJob, job.id, hrs,
                    lambda j, u: enterprise_jobs.decide(j, True, "", u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("consented") == 1


def test_twenty_school_reviews_of_one_application(app, make_teacher, make_user):  # type: ignore[no-untyped-def]
    from recognition import services as recognitions
    from recognition.models import Kind, Recognition, Status

    teacher = make_teacher()
    application = Recognition(kind=Kind.DUAL_QUALIFIED, teacher_id=teacher.id,
                              status=Status.APPLIED, tier="junior")  # fmt: skip
    db.session.add(application)
    db.session.commit()
    hrs = [make_user(Role.SCHOOL_HR, school=teacher.school).id for _ in range(RACERS)]
    outcomes = race(app, Recognition, application.id, hrs,
                    lambda r, u: recognitions.school_review(r, True, "", u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("school_review") == 1


def test_twenty_closings_of_one_competition(app, national, make_user):  # type: ignore[no-untyped-def]
    from competitions import services as competitions
    from competitions.models import Competition

    organizers = [make_user(Role.ORGANIZER).id for _ in range(RACERS)]
    outcomes = race(app, Competition, national["skills"].id, organizers,
                    lambda c, u: competitions.close_entries(c, u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("entries_closed") == 1


def test_twenty_leavings_of_one_teacher(app, make_teacher, make_user):  # type: ignore[no-untyped-def]
    from teachers import services as teachers
    from teachers.models import Teacher

    teacher = make_teacher()
    hrs = [make_user(Role.SCHOOL_HR, school=teacher.school).id for _ in range(RACERS)]
    outcomes = race(app, Teacher, teacher.id, hrs,
                    lambda t, u: teachers.mark_left(t, today(), "调离", u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("left") == 1


def test_twenty_retries_of_one_failed_task_start_it_once(app, make_user, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)  # queued: the race is the retry
    user = make_user(Role.BUREAU)
    task = tasks.start("tests.slow_count", user, {"n": 1})
    task.status = TaskStatus.FAILED  # put it in the state the step starts from
    db.session.commit()
    sent = []
    monkeypatch.setattr(tasks, "send", lambda task_id, delay=0: sent.append(task_id))
    outcomes = race(app, Task, task.id, [user.id] * RACERS, lambda t, u: tasks.retry(t, u))
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("task_retried") == 1 and sent.count(task.id) == 1


def test_a_worker_claims_a_task_once_and_a_job_ends_a_term_once(  # type: ignore[no-untyped-def]
    app, make_user, school_with_staff, monkeypatch
):
    from teachers.appointments import jobs
    from teachers.appointments.models import Appointment, AppointmentStatus
    from tests.teachers.test_appointments import submitted

    monkeypatch.setitem(app.config, "TASKS_IMMEDIATE", False)
    task = tasks.start("tests.slow_count", make_user(Role.BUREAU), {"n": 1})
    db.session.commit()
    claimed = [tasks._claim(task.id) for _ in range(3)]
    assert claimed == [True, False, False] and audits("task_claimed") == 1
    school, hr, hr2 = school_with_staff(n=10)
    appointment = submitted(school, hr, term_start=today() - timedelta(days=400),
                            term_end=today() - timedelta(days=1))  # fmt: skip
    appointment.status = AppointmentStatus.APPROVED  # approved a year ago
    db.session.commit()
    assert jobs.daily()["ended"] == 1 and jobs.daily()["ended"] == 0
    ended = db.session.scalar(select(Appointment).where(Appointment.id == appointment.id))
    assert ended.status == "ended" and audits("ended") == 1

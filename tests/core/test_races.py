"""One winner per race: twenty people deciding the same record at the same moment get one success
and nineteen answers that the record has changed; the audit log holds one entry. On PostgreSQL
this holds only because a transition re-reads its record under a row lock."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from competitions import services as competitions
from core.errors import ServiceError
from core.extensions import db
from core.models import AuditEntry, Role, User
from core.timeutil import today
from placements import services as placements
from placements.models import Placement
from recognition import services as recognitions
from recognition.models import Kind, Recognition
from teachers.appointments import services as appointments
from teachers.appointments.models import Appointment
from tests.teachers.test_appointments import submitted

RACERS = 20


def race(app, model: type, record_id: int, user_ids: list[int], step: Callable[[Any, User], Any]):  # type: ignore[no-untyped-def]
    """Run `step` on the record by each user at once, each in its own transaction."""
    db.session.commit()  # the test's own reads hold no lock while the racers run
    outcomes: list[str] = []
    barrier = threading.Barrier(len(user_ids))

    def one(user_id: int) -> None:
        with app.app_context():
            user = db.session.get(User, user_id)
            db.session.commit()
            barrier.wait()
            try:
                step(db.session.get(model, record_id), user)
                db.session.commit()
                outcomes.append("won")
            except ServiceError as err:
                db.session.rollback()
                outcomes.append(err.code)
            except Exception as err:  # a deadlock or a lock timeout would be a failure too
                db.session.rollback()
                outcomes.append(type(err).__name__)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=one, args=(u,)) for u in user_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def audits(action: str) -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


def test_twenty_approvals_of_one_placement(app, teacher_with_account, make_user, make_placement):
    teacher, _me = teacher_with_account()
    placement = make_placement(teacher, today() - timedelta(days=60), status="confirmed")
    hrs = [make_user(Role.SCHOOL_HR, school=teacher.school).id for _ in range(RACERS)]
    outcomes = race(app, Placement, placement.id, hrs,
                    lambda p, u: placements.transition(p, "approve", u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("approve") == 1


def test_twenty_decisions_on_one_appointment(app, school_with_staff, make_user):
    school, hr, _hr2 = school_with_staff(n=30)
    appointment = submitted(school, hr)
    others = [make_user(Role.SCHOOL_HR, school=school).id for _ in range(RACERS)]
    outcomes = race(app, Appointment, appointment.id, others,
                    lambda a, u: appointments.transition(a, "reject", u, "名额已满"))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("reject") == 1


def test_twenty_confirmations_of_one_d_class_case(app, national, organizer, make_user):
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    case = db.session.scalars(select(Recognition).where(Recognition.kind == Kind.D_CLASS)).first()
    bureau = [make_user(Role.BUREAU, county="330302").id for _ in range(RACERS)]
    outcomes = race(app, Recognition, case.id, bureau, lambda r, u: recognitions.confirm(r, u))
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("recognition_confirmed") == 1


def test_twenty_approvals_of_one_innovation_team(app, school_team, make_user):
    from teachers.teams import services as teams
    from teachers.teams.models import InnovationTeam
    from tests.teachers.test_teams import pdf

    team, hr = school_team()
    teams.attach_application(team, pdf(), hr)
    teams.move_team(team, "apply", hr)
    db.session.commit()
    bureau = [make_user(Role.BUREAU, county="330302").id for _ in range(RACERS)]
    outcomes = race(app, InnovationTeam, team.id, bureau,
                    lambda t, u: teams.move_team(t, "reject", u, "材料不全"))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("reject") == 1


def test_twenty_selections_of_one_nomination(app, school_team, make_user):
    from teachers.teams import services as teams
    from teachers.teams.models import Nomination

    team, hr = school_team()
    bureau = make_user(Role.BUREAU)
    batch = teams.create_batch(
        {"theme": "双元制", "country": "德国", "start_date": today() + timedelta(days=30),
         "end_date": today() + timedelta(days=50), "capacity": 5},
        [team.id],
        bureau,
    )  # fmt: skip
    nomination = teams.nominate(batch, team.members[0].teacher, hr)
    db.session.commit()
    deciders = [make_user(Role.BUREAU).id for _ in range(RACERS)]
    outcomes = race(app, Nomination, nomination.id, deciders,
                    lambda n, u: teams.decide_nomination(n, "select", u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("select") == 1


def test_twenty_organizers_publishing_the_same_results(app, national, make_user):
    from competitions.models import Competition

    competition = national["skills"]
    organizers = [make_user(Role.ORGANIZER).id for _ in range(RACERS)]
    outcomes = race(app, Competition, competition.id, organizers,
                    lambda c, u: competitions.publish(c, u))  # fmt: skip
    assert outcomes.count("won") == 1 and outcomes.count("invalid_transition") == RACERS - 1
    assert audits("published") == 1

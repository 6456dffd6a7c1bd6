"""Two schedulers (or a scheduler and `jobs run`) started at once run a job once: the second
finds it running and stops, and a job's writes are conditional on the state they expect, so each
change is made and audited once."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, text

from core import scheduler
from core.extensions import db
from core.models import AuditEntry
from core.timeutil import today
from teachers.appointments import services
from teachers.appointments.models import Appointment
from tests.teachers.test_appointments import submitted


def test_two_schedulers_at_once_end_each_appointment_once(app, school_with_staff):
    school, hr, hr2 = school_with_staff(n=30)
    ids = []
    for n in range(5):
        appointment = submitted(school, hr, name=f"到期{n}")
        services.transition(appointment, "approve", hr2)
        appointment.term_start = today() - timedelta(days=200)
        appointment.term_end = today() - timedelta(days=1)
        ids.append(appointment.id)
    db.session.commit()

    results: list[object] = []
    barrier = threading.Barrier(2)

    def scheduler_process() -> None:
        with app.app_context():
            barrier.wait()
            results.append(scheduler.run_job("teachers.appointments_daily"))

    threads = [threading.Thread(target=scheduler_process) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    ended = [r["ended"] for r in results if "ended" in r]  # type: ignore[index, operator]
    assert sum(ended) == 5
    assert sum(1 for r in results if r.get("ended")) == 1  # type: ignore[union-attr]
    audits = select(func.count(AuditEntry.id)).where(AuditEntry.action == "ended")
    assert db.session.scalar(audits) == 5
    statuses = db.session.scalars(select(Appointment.status).where(Appointment.id.in_(ids)))
    assert set(statuses) == {"ended"}
    db.session.commit()
    # Later runs find nothing left to do, and the lock was given back.
    assert scheduler.run_job("teachers.appointments_daily")["ended"] == 0  # type: ignore[index]


def test_the_nightly_statistics_job_gives_the_planner_the_tables_sizes(app, make_teacher):
    for _ in range(3):
        make_teacher()
    db.session.commit()
    assert scheduler.run_job("core.statistics") == {"analyzed": db.engine.dialect.name}
    if db.engine.dialect.name == "sqlite":
        stat = db.session.execute(
            text("SELECT stat FROM sqlite_stat1 WHERE tbl = 'teachers' LIMIT 1")
        ).scalar()
        # "rows rows-per-key…": the table's size, as the planner now reads it
        assert stat is not None and int(stat.split()[0]) >= 3
    else:  # -1 until the table is first analysed
        rows = db.session.execute(
            text("SELECT reltuples FROM pg_class WHERE relname = 'teachers'")
        ).scalar()
        assert rows is not None and rows >= 3

"""Three years of history for the demo city, so every card, chart and list has something to
show: most schools between 70% and 95% dual-qualified (a few behind), enterprise practice over
2023–2026, this year's enrolment, and skills festivals in which some counties reach the 40%
participation and some do not.

Past records cannot be made through today's services (a recognition is confirmed today, a
placement in the future is refused), so they are inserted in bulk, each row built with the same
period rules the services apply, as the city-scale data already is.
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from competitions.models import Competition, CompetitionStatus, Entry, EntryPerson, Event, Student
from core.demo import DemoContext
from core.extensions import db
from core.models import SchoolEnrollment
from core.timeutil import today, utcnow
from placements import services as placement_services
from placements.demo import approved_row
from placements.models import Enterprise, Placement
from recognition.models import Kind, Recognition, Status
from teachers.models import Teacher, TeacherStatus

from . import snapshots

FIRST_DAY = date(2023, 3, 1)


def build(ctx: DemoContext) -> None:
    teachers: dict[int, list[int]] = {}
    for tid, sid in db.session.execute(
        # Teachers with a demo account keep the records the demo shows them with.
        select(Teacher.id, Teacher.school_id).where(
            Teacher.professional.is_(True),
            Teacher.status == TeacherStatus.ACTIVE,
            Teacher.user_id.is_(None),
        )
    ):
        teachers.setdefault(sid, []).append(tid)
    _dual_qualified(ctx, teachers)
    _enrolment(ctx)
    year = today().year
    _festivals(ctx, (year,) if ctx.city else (year - 1, year))
    if not ctx.city:  # the city scale has five years of placements of its own
        _placements(ctx, teachers)
        db.session.flush()
        values = snapshots.backfill(date(2023, 1, 1))  # the trend charts have history at once
        ctx.echo(f"dashboard: {values} indicator values since January 2023")


def _spread_day(ctx: DemoContext) -> date:
    span = (today() - timedelta(days=20) - FIRST_DAY).days
    return FIRST_DAY + timedelta(days=ctx.rng.randint(0, span))


def _dual_qualified(ctx: DemoContext, teachers: dict[int, list[int]]) -> None:
    """Each school between 70% and 95%, three schools lagging near 60%."""
    recognised = set(
        db.session.scalars(
            select(Recognition.teacher_id).where(Recognition.kind == Kind.DUAL_QUALIFIED)
        )
    )
    schools = sorted(teachers)
    behind = set(ctx.rng.sample(schools, min(3, len(schools))))
    rows, n = [], 0
    for sid in schools:
        share = ctx.rng.uniform(0.55, 0.65) if sid in behind else ctx.rng.uniform(0.70, 0.95)
        pool = [t for t in teachers[sid] if t not in recognised]
        for tid in ctx.rng.sample(pool, min(len(pool), int(len(teachers[sid]) * share))):
            n += 1
            on = _spread_day(ctx)
            rows.append(
                {
                    "kind": Kind.DUAL_QUALIFIED.value,
                    "teacher_id": tid,
                    "status": Status.CONFIRMED.value,
                    "tier": ctx.rng.choice(["junior", "junior", "intermediate", "senior"]),
                    "basis": "",
                    "evidence": {},
                    "decision_note": "",
                    "flagged": False,
                    "objections": [],
                    "certificate_no": f"WZSS{on.year}D{n:06d}",
                    "verification_code": secrets.token_hex(5).upper(),
                    "confirmed_on": on,
                    "recheck_due": on.replace(year=on.year + 5, day=min(on.day, 28)),
                    "created_at": utcnow(),
                }
            )
    for start in range(0, len(rows), 5000):
        db.session.execute(insert(Recognition), rows[start : start + 5000])
    ctx.echo(f"dashboard: {len(rows)} dual-qualified recognitions since 2023")


def _placements(ctx: DemoContext, teachers: dict[int, list[int]]) -> None:
    """About two placements a year for two professional teachers in three, 2023 to now."""
    enterprises = list(db.session.scalars(select(Enterprise.id)))
    hr = ctx.users["hr"]
    now = utcnow()
    rows = []
    for tids in teachers.values():
        for tid in tids:
            if ctx.rng.random() < 0.33:
                continue
            taken_until = date.min  # one teacher's placements never overlap
            for start in sorted(_spread_day(ctx) for _ in range(ctx.rng.randint(1, 6))):
                days = ctx.rng.randint(5, 30)
                end = start + timedelta(days=days * 7 // 5)
                if start <= taken_until or end >= today():
                    continue
                taken_until = end
                values = placement_services.check_period(
                    {"start_date": start, "end_date": end, "days": days, "hours": None},
                    completed=True,
                )
                rows.append(approved_row(ctx, tid, ctx.rng.choice(enterprises), values, hr.id, now))
    db.session.execute(insert(Placement), rows)
    ctx.echo(f"dashboard: {len(rows)} approved placements since 2023")


def _enrolment(ctx: DemoContext) -> None:
    """This year's enrolment, from last year's with a little growth, where it is missing."""
    year = today().year
    have = set(
        db.session.scalars(select(SchoolEnrollment.school_id).where(SchoolEnrollment.year == year))
    )
    last = db.session.execute(
        select(SchoolEnrollment.school_id, SchoolEnrollment.students).where(
            SchoolEnrollment.year == year - 1
        )
    ).all()
    rows = [
        {"school_id": sid, "year": year, "students": int(Decimal(n) * Decimal("1.02"))}
        for sid, n in last
        if sid not in have
    ]
    if rows:
        db.session.execute(insert(SchoolEnrollment), rows)


def _festivals(ctx: DemoContext, years: tuple[int, ...]) -> None:
    """A school-level skills festival each year (closed, results not yet published): each county
    its own participation, between 25% and 55% of its teachers and students."""
    rng = ctx.rng
    county_rate = {s.county_id: rng.uniform(0.25, 0.55) for s in ctx.schools}
    teachers_of: dict[int, list[int]] = {}
    for tid, sid in db.session.execute(
        select(Teacher.id, Teacher.school_id).where(Teacher.status == TeacherStatus.ACTIVE)
    ):
        teachers_of.setdefault(sid, []).append(tid)
    enrolment = dict(
        db.session.execute(
            select(SchoolEnrollment.school_id, SchoolEnrollment.students).where(
                SchoolEnrollment.year == today().year
            )
        ).all()
    )
    # Enough students for the largest year; the same students take part again the next year.
    students: dict[int, list[int]] = {}
    rows = []
    for s in ctx.schools:
        need = int(enrolment.get(s.id, 0) * county_rate[s.county_id]) + 10
        rows += [
            {"school_id": s.id, "student_no": f"F{s.id:03d}{n:05d}", "name": ctx.person_name()}
            for n in range(need)
        ]
    db.session.execute(insert(Student), rows)
    for stid, sid in db.session.execute(
        select(Student.id, Student.school_id).where(Student.student_no.like("F%"))
    ):
        students.setdefault(sid, []).append(stid)
    entries_made = 0
    for year in years:
        competition = Competition(
            name=f"{year}年温州市职业学校学生技能节（校级选拔）",
            series="student_skills",
            level="school",
            year=year,
            scheme="prizes",
            status=CompetitionStatus.CLOSED,
        )
        db.session.add(competition)
        db.session.flush()
        event = Event(competition_id=competition.id, name="综合技能", team=True,
                      min_members=1, max_members=10, max_instructors=2)  # fmt: skip
        db.session.add(event)
        db.session.flush()
        plan: list[tuple[int, list[int], list[int]]] = []
        for s in ctx.schools:
            rate = county_rate[s.county_id] * rng.uniform(0.85, 1.05)
            base = enrolment.get(s.id, 0)
            pupils = students.get(s.id, [])[: int(base * rate)]
            staff = teachers_of.get(s.id, [])
            coaching = staff[: int(len(staff) * rate)]
            for n, start in enumerate(range(0, len(pupils), 10)):
                plan.append((s.id, pupils[start : start + 10], coaching[2 * n : 2 * n + 2]))
        db.session.execute(
            insert(Entry),
            [{"event_id": event.id, "school_id": sid, "award": None} for sid, _p, _t in plan],
        )
        ids = db.session.scalars(
            select(Entry.id).where(Entry.event_id == event.id).order_by(Entry.id)
        ).all()
        people = []
        for entry_id, (_sid, pupils, coaches) in zip(ids, plan, strict=True):
            people += [{"entry_id": entry_id, "event_id": event.id, "role": "member",
                        "student_id": p} for p in pupils]  # fmt: skip
            people += [{"entry_id": entry_id, "event_id": event.id, "role": "instructor",
                        "teacher_id": t} for t in coaches]  # fmt: skip
        for start in range(0, len(people), 10000):
            db.session.execute(insert(EntryPerson), people[start : start + 10000])
        entries_made += len(ids)
    ctx.echo(f"dashboard: skills festivals with {entries_made} entries")

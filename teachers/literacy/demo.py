"""The demo city's digital-literacy rounds: this year's, for the city, with results for the demo
school's professional teachers (most pass; some fall short on one dimension, a few have not
taken it yet), so the pass rate, its list of who has not passed and a teacher's page show; and
last year's, taken across the city, which the published county assessment of that year reads.

Last year's results are past records: inserted in bulk (as the dashboard's history is), each
judged by the same pass rule the service applies."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from core.demo import DemoContext
from core.extensions import db
from core.timeutil import today, utcnow
from teachers.models import Teacher
from teachers.queries import active_professional_on

from . import services
from .models import DIMENSIONS, LiteracyResult


def build(ctx: DemoContext) -> None:
    _last_year(ctx)
    bureau, hr = ctx.users["bureau"], ctx.users["hr"]
    year = today().year
    round_ = services.open_round(
        {"year": year, "name": "年度数字素养达标测评", "takers": "professional",
         "opens_on": date(year, 3, 1), "closes_on": date(year, 11, 30)}, None, bureau,
    )  # fmt: skip
    teachers = db.session.scalars(
        select(Teacher)
        .where(Teacher.school_id == hr.school_id, active_professional_on(today()))
        .order_by(Teacher.staff_no)
    ).all()
    taken = 0
    for n, teacher in enumerate(teachers):
        if n % 10 == 9:
            continue  # has not taken it yet
        scores = {d: ctx.rng.randint(13, 19) for d in DIMENSIONS}
        if n % 7 == 3:
            scores[ctx.rng.choice(DIMENSIONS)] = ctx.rng.randint(5, 9)  # short on one dimension
        services.record(round_, teacher, scores, hr)
        taken += 1
    ctx.echo(f"digital literacy: a {year} round, {taken} results at {hr.school.name}")


def _last_year(ctx: DemoContext) -> None:
    bureau = ctx.users["bureau"]
    year = today().year - 1
    closes = date(year, 11, 30)
    round_ = services.open_round(
        {"year": year, "name": "年度数字素养达标测评", "takers": "professional",
         "opens_on": date(year, 3, 1), "closes_on": closes}, None, bureau,
    )  # fmt: skip
    teachers = db.session.scalars(
        select(Teacher.id).where(active_professional_on(closes)).order_by(Teacher.id)
    ).all()
    rows = []
    for teacher_id in teachers:
        if ctx.rng.random() < 0.08:
            continue  # did not take it
        scores = {d: ctx.rng.randint(11, 19) for d in DIMENSIONS}
        if ctx.rng.random() < 0.15:
            scores[ctx.rng.choice(DIMENSIONS)] = ctx.rng.randint(4, 9)
        rows.append({
            "round_id": round_.id, "teacher_id": teacher_id, "scores": scores,
            "total": sum(scores.values()), "recorded_by_id": bureau.id, "recorded_at": utcnow(),
            "passed": services.passes(scores, round_.maxima, closes), "current": True,
        })  # fmt: skip
    if rows:
        db.session.execute(insert(LiteracyResult), rows)
    ctx.echo(f"digital literacy: a {year} round taken across the city, {len(rows)} results")

"""The demo city's digital-literacy round: this year's, for the city, with results for the demo
school's professional teachers (most pass; some fall short on one dimension, a few have not
taken it yet), so the pass rate, its list of who has not passed and a teacher's page show."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.demo import DemoContext
from core.extensions import db
from core.timeutil import today
from teachers.models import Teacher
from teachers.queries import active_professional_on

from . import services
from .models import DIMENSIONS


def build(ctx: DemoContext) -> None:
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

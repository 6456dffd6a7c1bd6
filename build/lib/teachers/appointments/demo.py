"""Demo appointments in every state, one school exactly at its cap, and about 4,000
appointments at city scale."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import insert
from werkzeug.datastructures import FileStorage

from core.demo import DemoContext
from core.extensions import db
from core.timeutil import today, utcnow

from . import services
from .capacity import capacities
from .models import Appointment, AppointmentStatus, Qualification

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EMPLOYERS = [
    "温州正泰电器有限公司",
    "瑞立集团有限公司",
    "温州市非遗传承中心",
    "温州港集团",
    "奥康集团",
]
COURSES = ["数控编程与加工", "低压电器装配", "汽车底盘检修", "瓯塑技艺", "跨境电商实务", "模具设计"]


def _propose(ctx: DemoContext, hr, start: date, years: int = 1, **kw):  # type: ignore[no-untyped-def]
    data = {
        "name": ctx.person_name(),
        "gender": ctx.rng.choice(["male", "female"]),
        "birth_date": date(ctx.rng.randint(1965, 1990), ctx.rng.randint(1, 12), 15),
        "phone": f"137{ctx.rng.randint(10000000, 99999999)}",
        "employer": ctx.rng.choice(EMPLOYERS),
        "position": "高级工程师",
        "qualification": Qualification.TITLE_INTERMEDIATE,
        "field": "智能制造",
        "exemption": False,
        "exemption_reason": "",
        "courses": ctx.rng.choice(COURSES),
        "hours_per_week": Decimal(ctx.rng.choice([4, 6, 8])),
        "term_start": start,
        "term_end": start.replace(year=start.year + years) - timedelta(days=1),
        "pay_grade": "二档",
        "hourly_rate": Decimal(ctx.rng.choice([150, 200, 260])),
    }
    data.update(kw)
    appointment = services.save_draft(hr.school, data, hr)
    services.attach_agreement(
        appointment, FileStorage(io.BytesIO(PDF), filename="聘任协议.pdf"), hr
    )
    return appointment


def build(ctx: DemoContext) -> None:
    hr, hr2, hr_lc, bureau = (
        ctx.users["hr"],
        ctx.users["hr2"],
        ctx.users["hr_lc"],
        ctx.users["bureau"],
    )
    services.set_policy(hr.school.county_id, Decimal("168000"), False, bureau)
    services.set_policy(hr_lc.school.county_id, Decimal("152000"), True, bureau)
    this_year = date(today().year, 3, 1)
    a = _propose(ctx, hr, this_year, 2)
    services.transition(a, "submit", hr)
    services.transition(a, "approve", hr2)
    b = _propose(ctx, hr, this_year - timedelta(days=40))
    services.transition(b, "submit", hr)
    services.transition(b, "approve", hr2)
    services.transition(
        b, "terminate", hr, "企业工作调整，提前结束", b.term_start + timedelta(days=200)
    )
    c = _propose(ctx, hr, this_year + timedelta(days=180))
    services.transition(c, "submit", hr)  # waits for hr2
    _propose(ctx, hr, this_year + timedelta(days=200))  # a draft
    d = _propose(
        ctx,
        hr,
        this_year,
        qualification=Qualification.NONE,
        exemption=True,
        exemption_reason="国家级非遗瓯塑代表性传承人",
        courses="瓯塑技艺",
    )
    services.transition(d, "submit", hr)
    services.transition(d, "approve", hr2)
    e = _propose(ctx, hr, this_year + timedelta(days=30))
    services.transition(e, "submit", hr)
    services.transition(e, "reject", hr2, "课时安排与教学计划不符")
    # The other school sits exactly at its cap; its county also wants the bureau's approval.
    numbers = capacities([hr_lc.school_id])[hr_lc.school_id]
    for _n in range(numbers.cap):
        f = _propose(ctx, hr_lc, this_year)
        f.status = AppointmentStatus.APPROVED  # approved earlier by a colleague and the bureau
        f.approved_at = utcnow()
    g = _propose(ctx, hr_lc, this_year + timedelta(days=60))
    services.transition(g, "submit", hr_lc)  # the next one would pass the cap
    ctx.echo("appointments: every state; one school at its cap")
    if ctx.city:
        _city(ctx)


def _city(ctx: DemoContext) -> None:
    numbers = capacities()
    rows = []
    start = date(today().year, 2, 1)
    now = utcnow()
    for school_id, c in numbers.items():
        in_post = int(c.cap * 0.8)
        for n in range(90):
            current = n < in_post
            begin = start if current else start.replace(year=start.year - 1 - n % 3)
            rows.append(
                {
                    "school_id": school_id,
                    "name": ctx.person_name(),
                    "gender": "male",
                    "birth_date": date(1980, 1, 1),
                    "phone": "",
                    "employer": ctx.rng.choice(EMPLOYERS),
                    "position": "",
                    "qualification": "title_intermediate",
                    "field": "",
                    "exemption": False,
                    "exemption_reason": "",
                    "courses": ctx.rng.choice(COURSES),
                    "hours_per_week": Decimal(4),
                    "term_start": begin,
                    "term_end": begin.replace(year=begin.year + 1) - timedelta(days=1),
                    "pay_grade": "",
                    "hourly_rate": Decimal(200),
                    "status": (
                        AppointmentStatus.APPROVED if current else AppointmentStatus.ENDED
                    ).value,
                    "decision_note": "",
                    "termination_reason": "",
                    "created_at": now,
                    "approved_at": now,
                }
            )
    db.session.execute(insert(Appointment), rows)
    ctx.echo(f"appointments: {len(rows)} at city scale")

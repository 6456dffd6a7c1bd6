"""Demo placements in every state (through the services), and 120,000 approved placements over
five years at city scale (rows checked by the same period rules, inserted in bulk)."""

from __future__ import annotations

import functools
import io
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from werkzeug.datastructures import FileStorage

from core.demo import DemoContext
from core.extensions import db
from core.models import County
from core.timeutil import today, utcnow
from teachers.models import Teacher

from . import credit_code, enterprise_jobs, mentor, services, title_review
from .models import Enterprise, EvidenceKind, Placement, PlacementStatus, PracticeForm

NAMES = [
    "正泰电器",
    "德力西电气",
    "瑞立集团",
    "华峰集团",
    "奥康鞋业",
    "红蜻蜓鞋业",
    "人本集团",
    "森马服饰",
    "报喜鸟",
    "天正电气",
    "温州电力",
    "长城电器",
    "华仪电气",
    "瑞明工业",
    "嘉利特荏原泵业",
    "伯特利阀门",
    "东方阀门",
    "温州港集团",
    "永强机械",
    "罗蒙西服",
]
SUFFIX = ["有限公司", "股份有限公司", "集团有限公司"]
# Beyond the well-known names, more read like real Wenzhou firms: place, brand, trade.
PLACES = [
    "温州",
    "瑞安",
    "乐清",
    "永嘉",
    "平阳",
    "苍南",
    "龙港",
    "文成",
    "泰顺",
    "鹿城",
    "龙湾",
    "瓯海",
]
BRANDS = [
    "恒达",
    "宏信",
    "瓯越",
    "东瓯",
    "新华",
    "金瑞",
    "永兴",
    "华联",
    "博远",
    "启明",
    "天成",
    "宏丰",
    "正达",
    "海诚",
    "众合",
    "信诺",
    "安泰",
    "联创",
    "立峰",
    "德胜",
    "中瑞",
    "汇通",
    "鼎盛",
    "金鹰",
    "泰昌",
    "万和",
    "明珠",
    "凯达",
    "嘉华",
    "同舟",
    "精诚",
    "宝丰",
    "华远",
    "锦程",
    "瑞丰",
    "长兴",
]
TRADES = ["电器", "阀门", "鞋业", "服饰", "机械", "泵业", "汽车部件", "包装", "印刷", "眼镜",
          "电子", "塑胶", "五金", "模具", "智能科技", "新材料"]  # fmt: skip
POSTS = [
    "数控加工",
    "电气装配",
    "质量检验",
    "生产管理",
    "产品设计",
    "设备维护",
    "电商运营",
    "财务核算",
    "工艺技术员",
    "研发助理",
]
CITY_PLACEMENTS = 120_000


def make_code(rng) -> str:  # type: ignore[no-untyped-def]
    body = (
        "9133"
        + "".join(rng.choice("0123456789") for _ in range(4))
        + "MA"
        + "".join(rng.choice(credit_code.CHARSET) for _ in range(7))
    )
    return body + credit_code.check_character(body)


def _enterprises(ctx: DemoContext, count: int) -> list[Enterprise]:
    counties = list(db.session.scalars(select(County.id)))
    out = []
    made = [(p, b, t) for b in BRANDS for t in TRADES for p in PLACES]
    random.Random(ctx.seed).shuffle(made)
    for n in range(count):
        if n < len(NAMES):
            name = "温州" + NAMES[n] + ctx.rng.choice(SUFFIX)
        else:
            place, brand, trade = made[n - len(NAMES)]
            name = place + brand + trade + ctx.rng.choice(SUFFIX)
        out.append(
            services.find_or_add_enterprise(
                make_code(ctx.rng),
                name,
                None,
                industry=ctx.rng.choice(["制造业", "电气", "服务业"]),
                county_id=ctx.rng.choice(counties),
            )
        )
    return out


def build(ctx: DemoContext) -> None:
    enterprises = _enterprises(ctx, 60 if not ctx.city else 1500)
    hr, hr2 = ctx.users["hr"], ctx.users["hr2"]
    teacher_user = ctx.users["teacher"]
    me = teacher_user.teacher
    rng = ctx.rng

    def log(teacher, start, days, state, ent=None, post=None):  # type: ignore[no-untyped-def]
        by = teacher.user or hr
        placement = services.save_draft(
            teacher,
            ent or rng.choice(enterprises),
            {
                "post": post or rng.choice(POSTS),
                "form": rng.choice(list(PracticeForm)),
                "start_date": start,
                "end_date": start + timedelta(days=days * 7 // 5 + 1),
                "days": Decimal(days),
                "mentor_name": ctx.person_name(),
                "mentor_phone": f"139{rng.randint(10000000, 99999999)}",
                "description": "参与生产线工艺改进，跟岗学习设备调试与质量控制。",
            },
            by,
        )
        if state == "draft":
            return placement
        services.add_evidence(placement, EvidenceKind.AGREEMENT, agreement_file(), by)
        services.transition(placement, "submit", by)
        if state in ("approved", "confirmed", "rejected"):
            token = mentor.create_link(placement, by)
            mentor.confirm(token, placement.days, placement.mentor_name)
        if state == "approved":
            services.transition(placement, "approve", hr2 if by is hr else hr)
        elif state == "rejected":
            services.transition(placement, "reject", hr, "与本专业关联不大，请选择对口岗位。")
        elif state == "returned":
            services.transition(placement, "return", hr, "请补充盖章的考核表。")
        elif state == "withdrawn":
            services.transition(placement, "withdraw", by)
        elif state == "awaiting_mentor":
            mentor.create_link(placement, by)
        return placement

    # The demo teacher: 90 approved days, one awaiting the mentor, one draft.
    log(me, date(2022, 7, 4), 30, "approved", enterprises[0], "电气装配")
    log(me, date(2024, 7, 8), 40, "approved", enterprises[1], "设备维护")
    log(me, date(2025, 1, 13), 20, "approved", enterprises[2], "质量检验")
    log(me, date(2025, 7, 7), 15, "awaiting_mentor", enterprises[0], "工艺技术员")
    log(me, date(2026, 1, 12), 10, "draft", enterprises[3], "生产管理")
    colleagues = list(
        db.session.scalars(
            select(Teacher)
            .where(
                Teacher.school_id == me.school_id,
                Teacher.id != me.id,
                Teacher.professional.is_(True),
            )
            .order_by(Teacher.id)
            .limit(12)
        )
    )
    states = [
        "confirmed",
        "confirmed",
        "awaiting_mentor",
        "returned",
        "rejected",
        "withdrawn",
        "approved",
        "approved",
        "approved",
        "draft",
        "confirmed",
        "approved",
    ]
    for teacher, state in zip(colleagues, states, strict=False):
        log(
            teacher,
            date(2025, rng.choice([3, 4, 5, 6, 9, 10]), rng.randint(1, 20)),
            rng.randint(5, 60),
            state,
        )
    for teacher in colleagues[:4]:
        title_review.declare(teacher, today().year, hr)
    title_review.declare(me, today().year, teacher_user)
    job = enterprise_jobs.request_consent(
        me,
        enterprises[5],
        {
            "role": "技术顾问（兼职）",
            "start_date": date(2025, 9, 1),
            "end_date": date(2026, 8, 31),
            "hours_per_week": Decimal(6),
        },
        teacher_user,
    )
    enterprise_jobs.decide(job, True, "", hr)
    enterprise_jobs.record_hours(me, "2025-2026-1", Decimal(48), teacher_user, job)
    enterprise_jobs.record_hours(me, "2025-2026-1", Decimal(216), hr)
    ctx.echo("placements: demo states for the demo teacher and colleagues")
    if ctx.city:
        _city(ctx, enterprises)


def approved_row(
    ctx: DemoContext, teacher_id: int, enterprise_id: int, values: dict, hr_id: int, now: Any
) -> dict[str, Any]:
    """An approved placement for a bulk insert; `values` have passed `services.check_period`."""
    return {
        "teacher_id": teacher_id,
        "enterprise_id": enterprise_id,
        "post": ctx.rng.choice(POSTS),
        "form": ctx.rng.choice(list(PracticeForm)).value,
        "start_date": values["start_date"],
        "end_date": values["end_date"],
        "days": values["days"],
        "status": PlacementStatus.APPROVED.value,
        "confirmation": "mentor",
        "confirmed_days": values["days"],
        "submitted_at": now,
        "decided_at": now,
        "decided_by_id": hr_id,
        "created_at": now,
        "mentor_name": "",
        "mentor_phone": "",
        "description": "",
        "confirmed_by": "",
        "decline_reason": "",
        "decision_note": "",
        "revision": 0,
    }


def _city(ctx: DemoContext, enterprises: list[Enterprise]) -> None:
    """120,000 approved placements over five years for the city's professional teachers."""
    rng = ctx.rng
    teachers = list(db.session.scalars(select(Teacher.id).where(Teacher.professional.is_(True))))
    hr = ctx.users["hr"]
    last = date(2026, 6, 30)
    rows = []
    now = utcnow()
    for _n in range(CITY_PLACEMENTS):
        start = last - timedelta(days=rng.randint(30, 5 * 365))
        days = rng.randint(3, 40)
        values = services.check_period(
            {
                "start_date": start,
                "end_date": start + timedelta(days=days * 7 // 5),
                "days": days,
                "hours": None,
            },
            completed=True,
        )
        rows.append(
            approved_row(ctx, rng.choice(teachers), rng.choice(enterprises).id, values, hr.id, now)
        )
        if len(rows) == 5000:
            db.session.execute(insert(Placement), rows)
            rows = []
    if rows:
        db.session.execute(insert(Placement), rows)
    ctx.echo(f"placements: {CITY_PLACEMENTS} approved over five years")


@functools.cache
def _agreement_pdf() -> bytes:
    from reportlab.pdfgen import canvas

    from core.pdf import font_name

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont(font_name(), 14)
    page.drawString(72, 760, "教师企业实践协议（演示数据）")
    page.save()
    return buffer.getvalue()


def agreement_file() -> FileStorage:
    """A practice agreement as a teacher would upload it (the demo's evidence)."""
    return FileStorage(io.BytesIO(_agreement_pdf()), filename="企业实践协议.pdf")

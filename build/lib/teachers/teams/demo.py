"""Demo innovation teams in every state, two past batches (Germany, Italy) with reports, and at
city scale about 120 teams and 30 batches."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core import accounts
from core.demo import DemoContext
from core.extensions import db
from core.models import Role
from core.timeutil import today, utcnow
from core.uploads import save_upload
from teachers.models import Teacher

from . import services
from .models import Nomination, NominationStatus, OverseasBatch

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FIELDS = [
    "智能制造专业群",
    "汽车技术专业群",
    "电子商务专业群",
    "数字媒体专业群",
    "现代物流专业群",
    "旅游服务专业群",
]


def _pdf(name: str) -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name)


def _team(ctx: DemoContext, school, hr, n: int, state: str):  # type: ignore[no-untyped-def]
    teachers = list(
        db.session.scalars(
            select(Teacher)
            .where(Teacher.school_id == school.id, Teacher.professional.is_(True))
            .order_by(Teacher.title.desc(), Teacher.id)
            .offset(n * 7)
            .limit(7)
        )
    )
    if len(teachers) < 5:
        return None
    leader, *rest = teachers
    members = [services.MemberInput(teacher_id=t.id, backbone=i < 2) for i, t in enumerate(rest)]
    members.append(
        services.MemberInput(name="郑工程师", employer="温州正泰电器有限公司", kind="enterprise")
    )
    team = services.save_team(
        school,
        {
            "name": f"{school.name[:6]}{FIELDS[n % len(FIELDS)]}教学创新团队",
            "field": FIELDS[n % len(FIELDS)],
            "level_sought": "city",
            "leader_id": leader.id,
            "plan": "第一年：课程重构；第二年：模块化教学；第三年：成果推广。",
        },
        members,
        hr,
    )
    if state == "draft":
        return team
    services.attach_application(team, _pdf("申报书.pdf"), hr)
    services.move_team(team, "apply", hr)
    bureau = ctx.users["bureau"]
    if state == "applied":
        return team
    if state == "rejected":
        services.move_team(team, "reject", bureau, "建设方案目标不够具体")
        return team
    start = date(2024, 1, 1)
    services.move_team(
        team,
        "approve",
        bureau,
        project_no=f"WZCX2024{team.id:03d}",
        building_start=start,
        building_end=start + timedelta(days=3 * 365),
        level="city",
    )
    if state == "approved":
        return team
    services.move_team(team, "start", hr)
    services.add_report(team, 2024, "完成 3 门课程模块化重构，开展企业实践 12 人次。", None, hr)
    if state == "accepted":
        services.move_team(team, "accept", bureau)
    elif state == "failed":
        services.move_team(team, "fail", bureau, "年度目标未完成")
    return team


def build(ctx: DemoContext) -> None:
    hr = ctx.users["hr"]
    school = hr.school
    states = ["building", "accepted", "applied", "draft", "approved", "rejected", "failed"]
    teams = [t for n, s in enumerate(states) if (t := _team(ctx, school, hr, n, s)) is not None]
    if teams:
        services.raise_level(teams[1], "province", "获评省级教师教学创新团队", ctx.users["bureau"])
    for country, hosts, start in (
        ("德国", "巴伐利亚州职业教育学院", date(2024, 5, 6)),
        ("意大利", "米兰理工大学继续教育中心", date(2025, 4, 14)),
    ):
        _past_batch(ctx, teams, country, hosts, start)
    upcoming = services.create_batch(
        {
            "theme": "双元制职业教育研修",
            "country": "德国",
            "hosts": "慕尼黑职业学校",
            "start_date": today() + timedelta(days=90),
            "end_date": today() + timedelta(days=111),
            "funding_source": "职业教育专项发展基金",
            "budget_per_person": 38000,
            "capacity": 20,
        },
        [t.id for t in teams[:2]],
        ctx.users["bureau"],
    )
    ctx.echo(
        f"innovation teams: {len(teams)} in every state; "
        f"overseas batches: 2 past, 1 open ({upcoming.country})"
    )
    if ctx.city:
        _city(ctx)


def _past_batch(ctx: DemoContext, teams, country: str, hosts: str, start: date) -> None:  # type: ignore[no-untyped-def]
    """A batch that has been and gone: its teachers confirmed, travelled and reported."""
    batch = OverseasBatch(
        theme="职业教育教学改革研修",
        country=country,
        hosts=hosts,
        start_date=start,
        end_date=start + timedelta(days=20),
        funding_source="市财政",
        budget_per_person=36000,
        capacity=10,
        created_by_id=ctx.users["bureau"].id,
    )
    batch.teams = teams[:2]
    db.session.add(batch)
    db.session.flush()
    backbone = [m.teacher for t in teams[:2] for m in t.members if m.backbone and m.teacher][:3]
    for teacher in backbone:
        if db.session.scalar(
            select(Nomination.id).where(
                Nomination.batch_id == batch.id, Nomination.teacher_id == teacher.id
            )
        ):
            continue
        report = save_upload(_pdf("研修报告.pdf"), None)
        db.session.add(
            Nomination(
                batch_id=batch.id,
                teacher_id=teacher.id,
                status=NominationStatus.REPORTED,
                nominated_by_id=ctx.users["hr"].id,
                decided_by_id=ctx.users["bureau"].id,
                report_summary=f"赴{country}研修：学习学徒制课程开发与实训基地管理。",
                report_id=report.id,
                reported_at=utcnow(),
            )
        )
    db.session.flush()


def _city(ctx: DemoContext) -> None:
    made = 0
    for n, school in enumerate(ctx.schools * 3):
        if made >= 120:
            break
        hr = ctx.users["hr"] if school.id == ctx.users["hr"].school_id else None
        if hr is None:
            hr = accounts.create_user(
                username=f"hr_scale_{school.code}_{n}",
                password="shuangshi2025",
                role=Role.SCHOOL_HR,
                school=school,
            )
        if _team(
            ctx, school, hr, n // len(ctx.schools) + 1, ["accepted", "building", "approved"][n % 3]
        ):
            made += 1
    for n in range(30):
        start = date(2023, 3, 1) + timedelta(days=40 * n)
        db.session.add(
            OverseasBatch(
                theme=f"研修第{n + 1}批",
                country=["德国", "意大利", "瑞士", "新加坡", "澳大利亚"][n % 5],
                start_date=start,
                end_date=start + timedelta(days=21),
                capacity=20,
                created_by_id=ctx.users["bureau"].id,
            )
        )
    ctx.echo(f"innovation teams: {made} at city scale; overseas batches: 30")

"""Demo teachers: a staff per school (15,000 at city scale), a few certificates, and the demo
teacher account."""

from __future__ import annotations

from datetime import date, timedelta

from core import accounts
from core.demo import DEMO_PASSWORD, DemoContext
from core.extensions import db
from core.models import Role

from .models import Education, Employment, Gender, SkillCertificate, Title
from .services import create_teacher

DEPARTMENTS = ["智能制造系", "信息技术系", "汽车工程系", "电子商务系", "建筑工程系", "财经商贸系",
               "旅游与烹饪系", "艺术设计系", "基础部"]  # fmt: skip
CERTIFICATES = ["电工", "数控车工", "汽车维修工", "网络与信息安全管理员", "电子商务师",
                "中式烹调师", "室内装饰设计师", "工业机器人系统运维员"]  # fmt: skip
CITY_TEACHERS = 15_000


def build(ctx: DemoContext) -> None:
    rng = ctx.rng
    per_school = _staff_sizes(ctx)
    count = 0
    for school, size in zip(ctx.schools, per_school, strict=True):
        for n in range(1, size + 1):
            # The demo teacher account (the first teacher of the first school) teaches a trade.
            department = "智能制造系" if n == 1 else rng.choice(DEPARTMENTS)
            professional = department != "基础部"
            birth = date(rng.randint(1965, 1999), rng.randint(1, 12), rng.randint(1, 28))
            hire = birth + timedelta(days=365 * rng.randint(22, 30) + rng.randint(0, 300))
            hire = min(hire, date(2025, 9, 1))
            title = rng.choices(list(Title), weights=[8, 25, 40, 22, 5])[0]
            teacher = create_teacher(
                school,
                {
                    "staff_no": f"T{school.id:02d}{n:04d}",
                    "name": ctx.person_name(),
                    "gender": rng.choice(list(Gender)),
                    "birth_date": birth,
                    "department": department,
                    "professional": professional,
                    "practice_instructor": professional and rng.random() < 0.15,
                    "employment": rng.choices(list(Employment), weights=[80, 20])[0],
                    "hire_date": hire,
                    "title": title,
                    "title_date": None
                    if title == Title.NONE
                    else min(hire + timedelta(days=365 * 3), date(2025, 12, 1)),
                    "education": rng.choice(list(Education)[1:]),
                    "enterprise_months": rng.choice([0, 0, 6, 12, 24, 36]),
                    "qualification_cert_no": f"{rng.randint(2005, 2024)}33"
                    f"{rng.randint(10**9, 10**10 - 1)}",
                    "phone": f"13{rng.randint(100000000, 999999999)}",
                },
                by=None,
            )
            if professional and rng.random() < 0.4:
                issued = hire + timedelta(days=rng.randint(200, 2000))
                db.session.add(
                    SkillCertificate(
                        teacher=teacher,
                        kind="skill_level",
                        name=rng.choice(CERTIFICATES),
                        level=rng.choice(["level3", "level2", "level1"]),
                        issuer="浙江省人力资源和社会保障厅",
                        number=f"S{rng.randint(10**11, 10**12 - 1)}",
                        issued_on=min(issued, date(2025, 6, 30)),
                    )
                )
            count += 1
        db.session.flush()
    ctx.echo(f"teachers: {count}")
    _teacher_account(ctx)


def _staff_sizes(ctx: DemoContext) -> list[int]:
    schools = len(ctx.schools)
    if not ctx.city:
        return [ctx.rng.randint(18, 30) if i else 60 for i in range(schools)]
    weights = [3 if s.type == "higher_vocational" else 1 for s in ctx.schools]
    sizes = [CITY_TEACHERS * w // sum(weights) for w in weights]
    sizes[0] += CITY_TEACHERS - sum(sizes)
    return sizes


def _teacher_account(ctx: DemoContext) -> None:
    school = ctx.schools[0]
    user = accounts.create_user(
        username="teacher",
        password=DEMO_PASSWORD,
        role=Role.TEACHER,
        display_name="",
        school=school,
        link={"staff_no": f"T{school.id:02d}0001"},
    )
    user.display_name = user.teacher.name
    ctx.users["teacher"] = user

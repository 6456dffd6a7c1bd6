"""Demo and benchmark data, built through the services so that it is valid data.

Core makes the counties, schools, enrolment and staff accounts; each domain package registers a
builder that adds its own records (in DOMAIN_PACKAGES order). Same seed, same data.
"""

from __future__ import annotations

import io
import os
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, text

from . import accounts, org
from .extensions import db
from .models import FounderType, Role, School, SchoolType, User

DEMO_PASSWORD = "shuangshi2025"

# (name, type, founder, county code): schools named in the plan, and others like them.
SCHOOLS = [
    ("温州职业技术学院", "higher_vocational", "public", "330300"),
    ("温州技师学院", "technician", "public", "330300"),
    ("浙江工贸职业技术学院", "higher_vocational", "public", "330300"),
    ("温州科技职业学院", "higher_vocational", "public", "330300"),
    ("浙江安防职业技术学院", "higher_vocational", "private", "330300"),
    ("温州东方职业技术学院", "higher_vocational", "private", "330300"),
    ("温州市职业中等专业学校", "secondary", "public", "330302"),
    ("温州华侨职业中等专业学校", "secondary", "public", "330302"),
    ("温州市龙湾区职业技术学校", "secondary", "public", "330303"),
    ("温州市瓯海职业中专集团学校", "secondary", "public", "330304"),
    ("温州市洞头区职业技术教育中心", "secondary", "public", "330305"),
    ("瑞安市职业中等专业教育集团学校", "secondary", "public", "330381"),
    ("瑞立中等职业技术学校", "secondary", "enterprise", "330381"),
    ("乐清市职业中等专业学校", "secondary", "public", "330382"),
    ("乐清市虹桥职业技术学校", "secondary", "public", "330382"),
    ("龙港市职业中等专业学校", "secondary", "public", "330383"),
    ("永嘉县职业中学", "secondary", "public", "330324"),
    ("平阳县职业教育中心", "secondary", "public", "330326"),
    ("苍南县职业中专", "secondary", "public", "330327"),
    ("文成县职业中等专业学校", "secondary", "public", "330328"),
    ("泰顺县职业教育中心", "secondary", "public", "330329"),
    ("乐清市柳市职业技术学校", "secondary", "mixed", "330382"),
    ("瑞安市塘下职业中等专业学校", "secondary", "public", "330381"),
    ("永嘉县第二职业学校", "secondary", "public", "330324"),
    ("平阳县第二职业学校", "secondary", "public", "330326"),
    ("苍南县灵溪职业技术学校", "secondary", "public", "330327"),
    ("温州市鹿城区技工学校", "technician", "public", "330302"),
    ("瑞安市技工学校", "technician", "public", "330381"),
    ("乐清市技工学校", "technician", "public", "330382"),
    ("温州轻工技师学院", "technician", "enterprise", "330303"),
]
CITY_SCHOOL_COUNT = 45
COUNTY_PREFIX = {
    "330300": "温州市",
    "330302": "鹿城区",
    "330303": "龙湾区",
    "330304": "瓯海区",
    "330305": "洞头区",
    "330381": "瑞安市",
    "330382": "乐清市",
    "330383": "龙港市",
    "330324": "永嘉县",
    "330326": "平阳县",
    "330327": "苍南县",
    "330328": "文成县",
    "330329": "泰顺县",
}
EXTRA_SUFFIXES = [
    "第三职业学校",
    "现代职业技术学校",
    "信息技术职业学校",
    "交通职业学校",
    "艺术职业学校",
    "商贸职业学校",
    "机电职业学校",
    "旅游职业学校",
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐"
    "许韩冯邓曹彭曾肖田董潘袁蔡蒋余叶程苏吕魏丁沈任姚卢"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂"
    "英华玉萍红娥玲芬燕彬鑫晨浩宇欣怡俊辉建国海燕晓东雪梅志强慧敏"
)


@dataclass
class DemoContext:
    scale: str
    seed: int
    rng: random.Random
    echo: Callable[[str], Any]
    schools: list[School] = field(default_factory=list)
    users: dict[str, User] = field(default_factory=dict)

    @property
    def city(self) -> bool:
        return self.scale == "city"

    def person_name(self) -> str:
        given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.7 else "")
        return self.rng.choice(SURNAMES) + given


BUILDERS: list[Callable[[DemoContext], None]] = []


def register(builder: Callable[[DemoContext], None]) -> None:
    if builder not in BUILDERS:
        BUILDERS.append(builder)


def build(scale: str, seed: int, echo: Callable[[str], Any]) -> DemoContext:
    ctx = DemoContext(scale=scale, seed=seed, rng=random.Random(seed), echo=echo)
    _build_org(ctx)
    for builder in BUILDERS:
        builder(ctx)
    db.session.flush()
    # Bulk-loaded tables: give the planner their real sizes (PostgreSQL would guess a handful;
    # SQLite, without statistics, reads a school's placements through the status index).
    db.session.execute(text("ANALYZE"))
    return ctx


def _school_rows(ctx: DemoContext) -> list[tuple[str, str, str, str]]:
    rows = list(SCHOOLS)
    if ctx.city:
        counties = [c for c in COUNTY_PREFIX if c != "330300"]
        i = 0
        while len(rows) < CITY_SCHOOL_COUNT:
            county = counties[i % len(counties)]
            suffix = EXTRA_SUFFIXES[(i // len(counties)) % len(EXTRA_SUFFIXES)]
            rows.append((COUNTY_PREFIX[county] + suffix, "secondary", "public", county))
            i += 1
    return rows


def _build_org(ctx: DemoContext) -> None:
    org.ensure_counties()
    for n, (name, kind, founder, county_code) in enumerate(_school_rows(ctx), start=1):
        county = org.county_by_code(county_code)
        school = org.create_school(
            {
                "code": f"WZ{n:03d}",
                "name": name,
                "type": SchoolType(kind),
                "founder": FounderType(founder),
                "county_id": county.id if county else None,
            },
            by=None,
        )
        base = 9000 if kind == "higher_vocational" else 2500
        for year in (2023, 2024, 2025):
            students = int(base * ctx.rng.uniform(0.6, 1.4)) + (year - 2023) * 40
            org.set_enrollment(school, year, students, by=None)
        ctx.schools.append(school)
    ctx.echo(f"schools: {len(ctx.schools)}")

    first, other = ctx.schools[0], ctx.schools[6]
    lucheng = org.county_by_code("330302")
    staff = [
        ("admin", Role.ADMIN, "系统管理员", None, None),
        ("bureau", Role.BUREAU, "市教育局", None, None),
        ("bureau_lc", Role.BUREAU, "鹿城区教育局", None, lucheng),
        ("hr", Role.SCHOOL_HR, "人事处 王老师", first, None),
        ("hr2", Role.SCHOOL_HR, "人事处 李老师", first, None),  # the second approver
        ("hr_lc", Role.SCHOOL_HR, "人事科 陈老师", other, None),
        ("organizer", Role.ORGANIZER, "技能大赛办公室", None, None),
    ]
    for username, role, name, school, county in staff:
        ctx.users[username] = accounts.create_user(
            username=username,
            password=DEMO_PASSWORD,
            role=role,
            display_name=name,
            school=school,
            county=county,
        )
    _seals(ctx)


def demo_seal(name: str, size: int = 480) -> bytes:
    """A round red seal (公章) of `name` as a transparent PNG, as an office scans its own: the
    name along the upper rim, a star in the middle, "样章" (a sample) below it."""
    import math

    from PIL import Image, ImageDraw, ImageFont

    from .pdf import SHIPPED_FONT

    red = (205, 25, 25, 235)
    picture = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(picture)
    middle = size / 2
    draw.ellipse((12, 12, size - 12, size - 12), outline=red, width=14)
    star = [
        (middle + r * math.sin(math.pi * k / 5), middle - r * math.cos(math.pi * k / 5))
        for k, r in ((k, size * (0.15 if k % 2 == 0 else 0.06)) for k in range(10))
    ]
    draw.polygon(star, fill=red)
    font = ImageFont.truetype(str(SHIPPED_FONT), int(size * 0.12))
    span = math.radians(220)  # the name runs over the upper 220 degrees of the rim
    for n, char in enumerate(name):
        angle = -math.pi / 2 - span / 2 + span * (n + 0.5) / len(name)
        glyph = Image.new("RGBA", (int(size * 0.16),) * 2, (255, 255, 255, 0))
        ImageDraw.Draw(glyph).text((glyph.width / 2, glyph.height / 2), char, font=font,
                                   fill=red, anchor="mm")  # fmt: skip
        glyph = glyph.rotate(-math.degrees(angle) - 90, resample=Image.BICUBIC)
        radius = size * 0.36
        x = middle + radius * math.cos(angle) - glyph.width / 2
        y = middle + radius * math.sin(angle) - glyph.height / 2
        picture.alpha_composite(glyph, (int(x), int(y)))
    small = ImageFont.truetype(str(SHIPPED_FONT), int(size * 0.08))
    draw.text((middle, middle + size * 0.25), "样章", font=small, fill=red, anchor="mm")
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def _seals(ctx: DemoContext) -> None:
    """The city bureau's and the first school's seals, so certificates and records show them."""
    from werkzeug.datastructures import FileStorage

    from . import seals

    first = ctx.schools[0]
    for issuer, user in (("city", ctx.users["bureau"]), (f"school:{first.code}", ctx.users["hr"])):
        image = demo_seal(seals.issuer_name(issuer))
        seal = seals.save(issuer, FileStorage(io.BytesIO(image), filename="公章.png"), user)
        # In use long before the records begin: every demo document was issued under it.
        seal.uploaded_at = datetime(2015, 1, 1)
    ctx.echo("seals: the city bureau's and the first school's")


def print_accounts(echo: Callable[[str], Any]) -> None:
    users = {u.username: u for u in db.session.scalars(select(User))}
    echo("")
    # `make run` says where it serves (HOST, PORT); 127.0.0.1:5000 is its default.
    where = f"http://{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
    echo(f"Demo accounts at {where} (password for all: {DEMO_PASSWORD})")
    for username in ("admin", "bureau", "bureau_lc", "hr", "hr2", "hr_lc", "organizer", "teacher"):
        user = users.get(username)
        if user is None:
            continue
        where = user.school.name if user.school else (user.county.name if user.county else "")
        if user.is_city_bureau:
            where = "全市 (whole city)"
        echo(f"  {username:<10} {user.role:<10} {where}")
    echo("")

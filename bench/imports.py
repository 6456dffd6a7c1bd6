"""Going live at city scale: a historical placements import of the whole city (8 placements for
each of the city's 15,000 teachers, 120,000 rows), one workbook per school as the schools would
send them, checked (the preview) and then written; rows per second of each, and of the second
import of the same files, which changes nothing."""

from __future__ import annotations

import io
import random
import time
from datetime import date, timedelta

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from core import accounts, imports
from core.db import unit_of_work
from core.extensions import db
from core.models import School
from placements import credit_code
from placements.models import Placement
from teachers.models import Teacher

PER_TEACHER = 8
FORMS = [
    "考察观摩",
    "接受企业组织的技能培训",
    "在生产和管理岗位兼职或任职",
    "参与产品研发和技术创新",
]


def _codes(n: int, rng: random.Random) -> list[str]:
    codes = []
    for _ in range(n):
        body = "913303" + "".join(rng.choice(credit_code.CHARSET) for _ in range(11))
        codes.append(body + credit_code.check_character(body))
    return codes


def _workbook(teachers: list[tuple[str, str]], codes: list[str], rng: random.Random) -> bytes:
    """A school's history: for each teacher, eight placements between 2014 and 2020 (before
    the demo's own), a month apart, at enterprises of the city's pool."""
    kind = imports.KINDS["placements"]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind.sheet)
    sheet.append(kind.headers)
    for staff_no, name in teachers:
        day = date(2014, 3, 1) + timedelta(days=rng.randrange(60))
        for _n in range(PER_TEACHER):
            days = rng.randrange(5, 25)
            code = rng.choice(codes)
            sheet.append([staff_no, name, f"企业{code[-6:]}", code, "岗位实践", rng.choice(FORMS),
                          day, day + timedelta(days=days - 1), days, None, "", "", ""])  # fmt: skip
            day += timedelta(days=days + rng.randrange(150, 250))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(app: Flask) -> None:
    rng = random.Random(24)
    kind = imports.KINDS["placements"]
    with app.app_context():
        codes = _codes(800, rng)
        # One city's history (its 45 schools), at any scale: a province or a nation goes live a
        # city at a time; their copies' codes carry the copy's number after a dash.
        schools = db.session.scalars(
            select(School).where(School.code.not_like("%-%")).order_by(School.code)
        ).all()
        files, rows = [], 0
        for school in schools:
            # The teachers the school had before going live: not the background section's
            # roster import (staff numbers BENCH…), which would take one school's history past
            # the 20,000 rows a workbook may hold.
            teachers = db.session.execute(
                select(Teacher.staff_no, Teacher.name)
                .where(Teacher.school_id == school.id, Teacher.staff_no.not_like("BENCH%"))
                .order_by(Teacher.staff_no)
            ).all()
            if teachers:
                files.append((school.id, _workbook([tuple(t) for t in teachers], codes, rng)))
                rows += len(teachers) * PER_TEACHER
        before = db.session.scalar(select(func.count(Placement.id)))
    print(f"\nhistorical placements import: {rows:,} rows in {len(files)} workbooks (one a school)")
    for label, dry in (("check (the preview)", True), ("import (checked, then written)", False),
                       ("the same files again (unchanged)", True)):  # fmt: skip
        start = time.perf_counter()
        problems: list = []
        for school_id, data in files:
            with app.app_context(), unit_of_work():
                by = accounts.find_user("bureau")
                school = db.session.get(School, school_id)
                outcome = imports.run(kind, io.BytesIO(data), by, school, dry_run=dry)
                problems += outcome.errors
        seconds = time.perf_counter() - start
        said = f", {len(problems)} problems, the first: {problems[0]}" if problems else ""
        print(f"{'  ' + label:<45} {rows / seconds:>10,.0f} rows/s ({seconds:.1f} s{said})")
    with app.app_context():
        added = db.session.scalar(select(func.count(Placement.id))) - before
        print(f"{'  placements added':<45} {added:>10,}")

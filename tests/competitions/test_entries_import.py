"""Entries of an open competition by import (#24): each row under every rule of a registration
made on the page, earlier rows of the file included; all or none; the same file again changes
nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from competitions.models import Entry
from core import imports
from core.extensions import db
from tests.sheets import confirm, errors_of, preview, sheet


def entries_sheet(rows: list[dict]):  # type: ignore[no-untyped-def]
    kind = imports.KINDS["entries"]
    return sheet([[r.get(h) for h in kind.headers] for r in rows], kind.headers, kind.sheet)


def test_entries_come_in_under_the_registration_rules(
    login_as, organizer, make_competition, make_event, make_school, make_teacher
):
    competition = make_competition(series="teacher_skills", name="2026年温州市教师技能比赛",
                                   year=2026)  # fmt: skip
    make_event(competition, team=False, name="电工", quota_per_school=1)
    school = make_school(code="WZA")
    make_teacher(school=school, staff_no="A01", name="甲")
    make_teacher(school=school, staff_no="A02", name="乙")
    client = login_as(organizer)
    name = str(competition)
    rows = [
        {"赛事": name, "赛项": "电工", "学校代码": "WZA", "参赛教师工号": "A01"},
        {"赛事": name, "赛项": "电工", "学校代码": "WZA", "参赛教师工号": "A02"},  # over quota
        {"赛事": name, "赛项": "钳工", "学校代码": "WZA", "参赛教师工号": "A02"},
        {"赛事": name, "赛项": "电工", "学校代码": "WZA", "参赛教师工号": "A09"},
    ]
    page = preview(client, "entries", entries_sheet(rows))
    table = errors_of(page)
    assert page.status_code == 400
    assert "<td>3</td><td>赛项</td>" in table and "名额" in table  # the quota, row 2 counted
    assert "<td>4</td><td>赛项</td><td>该赛事没有这个赛项" in table
    assert "<td>5</td><td>参赛教师工号</td>" in table
    assert db.session.scalar(select(func.count(Entry.id))) == 0  # the savepoint left nothing
    page = preview(client, "entries", entries_sheet(rows[:1]))
    assert 'id="count-created">1<' in page.get_data(as_text=True)
    assert confirm(client, "entries", page).status_code == 302
    assert db.session.scalar(select(func.count(Entry.id))) == 1
    again = preview(client, "entries", entries_sheet(rows[:1]))
    assert 'id="count-unchanged">1<' in again.get_data(as_text=True)

"""The city teacher-student competition in a browser: the organizer sets it up, two schools
register teams, results come in from Excel, and the public page and medal table show them."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from competitions import stats
from core import org
from core.extensions import db
from core.models import Role
from tests.browser.test_roster_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_city_competition_from_setup_to_public_results(
    chromium, live_server, page, make_school, make_teacher, make_user, tmp_path
):
    schools = [
        make_school(name="鹿城职校", county="330302"),
        make_school(name="瑞安职校", county="330381"),
    ]
    coaches = [make_teacher(school=s, staff_no=f"C{n}") for n, s in enumerate(schools)]
    for school in schools:
        org.set_enrollment(school, 2026, 99, by=None)
    hrs = [make_user(Role.SCHOOL_HR, school=s).username for s in schools]
    organizer = make_user(Role.ORGANIZER).username
    db.session.commit()
    before = stats.participation(2026)["city"].rate

    sign_in(page, organizer)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="技能大赛").click()
    page.get_by_role("link", name="新建比赛").first.click()
    page.locator("#name").fill("温州市职业学校师生技能大赛")
    page.locator("#series").select_option("teacher_student")
    page.locator("#level").select_option("city")
    page.locator("#year").fill("2026")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("比赛已创建")).to_be_visible()
    page.get_by_text("新增赛项").click()
    page.locator("#name").fill("数控车加工")
    page.get_by_label("团体赛项").check()
    page.get_by_label("参赛人数上限").fill("3")
    page.get_by_role("button", name="添加赛项").click()
    expect(page.get_by_role("cell", name="数控车加工")).to_be_visible()
    competition_url = page.url.split("#")[0]
    page.get_by_role("button", name="退出").click()

    for n, (hr, coach) in enumerate(zip(hrs, coaches, strict=True)):
        sign_in(page, hr)
        page.goto(competition_url)
        page.get_by_role("link", name="报名").first.click()
        page.get_by_label("学生参赛者").fill(f"2024{n}01 王同学{n}\n2024{n}02 李同学{n}")
        page.get_by_label("指导教师").fill(coach.name[:2])  # picked by name, never typed
        page.get_by_role("option", name=coach.name).click()
        expect(page.locator("[data-name=instructor_id] .picker-chosen")).to_contain_text(coach.name)
        page.get_by_role("button", name="报名", exact=True).click()
        expect(page.get_by_text(f"已报名：王同学{n}、李同学{n}")).to_be_visible()
        page.get_by_role("button", name="退出").click()

    sign_in(page, organizer)
    page.goto(competition_url)
    with page.expect_download() as template:
        page.get_by_role("link", name="成绩模板（Excel）").click()
    with open(template.value.path(), "rb") as fh:
        wb = load_workbook(io.BytesIO(fh.read()))
    rows = list(wb.active.iter_rows(min_row=2))
    for row, award in zip(rows, ["一等奖", "二等奖"], strict=True):
        row[4].value = award
    filled = tmp_path / "成绩.xlsx"
    wb.save(filled)
    page.get_by_label("成绩文件（.xlsx、.xls、.ods 或 .csv）").set_input_files(str(filled))
    page.get_by_role("button", name="导入成绩").click()
    expect(page.get_by_text("已导入 2 条成绩")).to_be_visible()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="发布成绩").click()
    expect(page.get_by_text("成绩已发布：公开成绩页已开放")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    page.goto(competition_url.replace("/competitions/", "/results/"))
    expect(page.get_by_role("heading", name="数控车加工")).to_be_visible()
    expect(page.locator("#medals-school")).to_contain_text("鹿城职校")
    expect(page.locator("#medals-county")).to_contain_text("瑞安市")
    # Students' names are masked on the public page unless the organizer chooses otherwise.
    expect(page.get_by_role("cell", name="王**0、李**0")).to_be_visible()
    db.session.rollback()  # end the test's read transaction: see what the server committed
    after = stats.participation(2026)["city"]
    assert after.students == 4 and after.teachers == 2 and after.rate > before


def test_hr_enters_a_teaching_ability_team_by_picking_names(
    page, make_school, make_teacher, make_user
):
    from competitions import services as competitions
    from competitions.models import Entry

    school = make_school(name="鹿城职校")
    team = [make_teacher(school=school, name=n, staff_no=f"T{i}")
            for i, n in enumerate(["张晓明", "张晓华", "李秀英", "王建国"])]  # fmt: skip
    gone = make_teacher(school=school, name="张离职", staff_no="T9")
    gone.status = "left"
    hr = make_user(Role.SCHOOL_HR, school=school)
    organizer = make_user(Role.ORGANIZER)
    competition = competitions.save_competition(
        {"name": "温州市教学能力比赛", "series": "teaching_ability", "level": "city",
         "year": 2026, "scheme": "prizes", "mask_student_names": False}, organizer,
    )  # fmt: skip
    event = competitions.add_event(
        competition, {"name": "专业课程一组", "team": True, "min_members": 3,
                      "max_members": 4, "max_instructors": 0}, organizer,
    )  # fmt: skip
    db.session.commit()

    sign_in(page, hr.username)
    page.goto(f"/events/{event.id}/entries/new")
    expect(page.get_by_label("学生参赛者")).to_have_count(0)  # a teachers' competition
    search = page.get_by_label("教师参赛者")
    search.fill("张")
    expect(page.get_by_role("option")).to_have_count(2)  # 张离职 has left: not offered
    assert gone.name not in page.locator(".picker-results").inner_text()
    page.get_by_role("option", name="张晓明").click()
    search.fill("张")
    expect(page.get_by_role("option")).to_have_count(1)  # the chosen one is not offered again
    page.get_by_role("option", name="张晓华").click()
    search.fill("T2")  # or by staff number
    page.get_by_role("option", name="李秀英").click()
    page.get_by_role("button", name="报名", exact=True).click()
    expect(page.get_by_text("已报名：张晓明、张晓华、李秀英")).to_be_visible()
    db.session.rollback()
    entry = db.session.query(Entry).one()
    assert sorted(p.teacher_id for p in entry.members) == sorted(t.id for t in team[:3])

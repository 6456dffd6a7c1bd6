"""What clerks met in their week (issue: the clerk's week): messages that printed a Python list,
待办 dates a day behind, sign-in limits that counted good sign-ins. Each reproduced first."""

from __future__ import annotations

from datetime import timedelta

from core.models import Role
from core.timeutil import today
from tests.core.test_imports import CODE, placements_sheet
from tests.sheets import errors_of, preview


def test_an_import_problem_is_a_sentence_never_a_list(school_hr):  # type: ignore[no-untyped-def]
    _school, _teacher, hr = school_hr
    future = today() + timedelta(days=30)
    rows = [
        ["W001", "王老师", "瑞明工业", CODE, "数控加工", "在生产和管理岗位兼职或任职",
         "2024-07-01", "2024-07-05", 50, None, "", "", ""],
        ["W001", "王老师", "瑞明工业", CODE, "装配", "接受企业组织的技能培训",
         today().isoformat(), future.isoformat(), 5, None, "", "", ""],
    ]  # fmt: skip
    page = preview(hr, "placements", placements_sheet(rows))
    problems = errors_of(page)
    assert "50 天超出了 5 天的实践期。" in problems
    assert "结束日期不能晚于今天" in problems
    assert "['" not in problems and "[&#39;" not in problems


def test_the_plans_form_says_its_refusals_in_sentences(app, login_as):  # type: ignore[no-untyped-def]
    from dashboard import plans

    admin = login_as(role=Role.ADMIN)
    last = plans.plans()[-1]
    page = admin.post("/dashboard/plans", data={"first_year": str(last.end.year + 1),
                                                "last_year": "1999"})  # fmt: skip
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "请输入结束年份" in text
    assert "[&#39;" not in text and "['" not in text


def test_the_inbox_dates_a_wait_by_wenzhou_s_day(
    app, login_as, teacher_with_account, make_placement, make_user
):  # type: ignore[no-untyped-def]
    """A placement submitted at 03:30 in Wenzhou is stored at 19:30 UTC the day before: the
    待办 said it waited since that UTC day."""
    from core.extensions import db
    from core.timeutil import start_of_local_day

    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, today() - timedelta(days=40), status="confirmed")
    placement.submitted_at = start_of_local_day(today()) + timedelta(hours=3, minutes=30)
    db.session.commit()
    hr = login_as(make_user(Role.SCHOOL_HR, school=teacher.school))
    home = hr.get("/").get_data(as_text=True)
    assert f"最早的自 {today().isoformat()} 起" in home


def test_a_school_s_own_literacy_round_imports_through_the_template_s_drop_down(  # type: ignore[no-untyped-def]
    make_school, make_teacher, make_user, login_as
):
    """The template offered "2026 年度补测（学校）" and refused it: full-width brackets were read
    as half-width and compared with the drop-down's own text."""
    import io
    from datetime import date

    from openpyxl import load_workbook
    from sqlalchemy import select

    from core.extensions import db
    from teachers.literacy import services
    from teachers.literacy.models import LiteracyResult
    from tests.sheets import confirm, sheet

    school = make_school(name="温州测试职业学校")
    teacher = make_teacher(school=school, name="赵一")
    hr = make_user(Role.SCHOOL_HR, school=school)
    services.open_round({"year": 2026, "name": "年度数字素养补测", "takers": "professional",
                         "opens_on": date(2026, 3, 1), "closes_on": date(2026, 6, 30)},
                        school.id, hr)  # fmt: skip
    db.session.commit()
    client = login_as(hr)
    template = load_workbook(io.BytesIO(client.get("/imports/literacy/template.xlsx").data))
    [rule] = [r for r in template.worksheets[0].data_validations.dataValidation
              if "A" in str(r.sqref)]  # the round's column  # fmt: skip
    offered = rule.formula1.strip('"').split(",")
    own = next(value for value in offered if "温州测试职业学校" in str(value))
    assert "（" in own  # the drop-down's own text, full-width brackets and all
    headers = ["测评", "工号", "姓名", "数字化意识", "数字技术知识与技能", "数字化应用",
               "数字社会责任", "专业发展"]  # fmt: skip
    page = preview(client, "literacy", sheet([[own, teacher.staff_no, "赵一", 16, 15, 17, 14, 15]],
                                             headers))  # fmt: skip
    assert 'id="count-created">1<' in page.get_data(as_text=True), errors_of(page)
    confirm(client, "literacy", page)
    assert db.session.scalar(select(LiteracyResult.teacher_id)) == teacher.id


def test_the_placements_export_imports_back_unchanged(  # type: ignore[no-untyped-def]
    app, login_as, teacher_with_account, make_placement
):
    """Re-imported unedited, the export said every placement recorded in Shuangshi was an error
    ("这段企业实践是在双师中登记的…"): such a row is 无变化; only a changed one is refused."""
    import io

    from openpyxl import load_workbook

    teacher, _user = teacher_with_account()
    make_placement(teacher, today() - timedelta(days=200), days=5)
    make_placement(teacher, today() - timedelta(days=100), days=3)
    hr = login_as(role=Role.SCHOOL_HR, school=teacher.school)
    exported = hr.get(f"/imports/placements/export.xlsx?school={teacher.school.code}")
    page = preview(hr, "placements", io.BytesIO(exported.data), "企业实践.xlsx")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="count-unchanged">2<' in text, errors_of(page)
    book = load_workbook(io.BytesIO(exported.data))
    book["企业实践"]["I2"] = 4  # a recorded placement's days changed in the sheet
    edited = io.BytesIO()
    book.save(edited)
    refused = preview(hr, "placements", io.BytesIO(edited.getvalue()), "企业实践.xlsx")
    assert "这段企业实践是在双师中登记的" in errors_of(refused)


def test_history_without_a_form_of_practice_comes_in_as_not_recorded(school_hr):  # type: ignore[no-untyped-def]
    """History files rarely say a placement's 实践形式, and every row was refused without it."""
    from sqlalchemy import select

    from core.extensions import db
    from placements.models import Placement
    from tests.sheets import import_file

    _school, _teacher, hr = school_hr
    rows = [["W001", "王老师", "瑞明工业", CODE, "数控加工", None, "2023-07-03", "2023-07-14",
             10, None, "", "", ""]]  # fmt: skip
    assert import_file(hr, "placements", placements_sheet(rows)).status_code == 302
    placement = db.session.scalar(select(Placement))
    assert placement.form == "unrecorded"
    assert "未记录" in hr.get(f"/placements/{placement.id}").get_data(as_text=True)
    # Not a choice when a placement is logged now.
    new = hr.get(f"/placements/new?teacher={placement.teacher_id}")
    assert "未记录" not in new.get_data(as_text=True)


def test_the_teacher_s_home_shows_their_literacy_result(app, login_as, make_teacher, make_user):  # type: ignore[no-untyped-def]
    from datetime import date

    from core.extensions import db
    from teachers.literacy import services

    teacher = make_teacher(name="钱二")
    me = make_user(Role.TEACHER, teacher=teacher)
    year = today().year
    round_ = services.open_round({"year": year, "name": "年度测评", "takers": "professional",
                                  "opens_on": date(year, 1, 1), "closes_on": date(year, 12, 31)},
                                 None, make_user(Role.BUREAU))  # fmt: skip
    home = login_as(me).get("/").get_data(as_text=True)
    assert f"数字素养（{year} 年）" in home and "尚无成绩" in home
    scores = {"awareness": 16, "skills": 15, "application": 17, "responsibility": 14,
              "development": 15}  # fmt: skip
    services.record(round_, teacher, scores, make_user(Role.SCHOOL_HR, school=teacher.school))
    db.session.commit()
    assert "77.0 分，已通过" in login_as(me).get("/").get_data(as_text=True)


def test_a_row_with_two_mistakes_reports_both(school_hr):  # type: ignore[no-untyped-def]
    """An impossible date and a malformed e-mail on one roster row: both in one upload (the date
    alone was reported; the clerk met the e-mail on the next upload)."""
    from teachers.roster import HEADERS, SAMPLE
    from tests.sheets import sheet

    _school, _teacher, hr = school_hr
    values = dict(zip(HEADERS, SAMPLE, strict=True)) | {
        "工号": "N100", "出生日期": "1988-02-30", "电子邮箱": "不是邮箱",
    }  # fmt: skip
    page = preview(hr, "roster", sheet([[values[h] for h in HEADERS]], HEADERS))
    problems = errors_of(page)
    assert "<td>2</td><td>出生日期</td><td>“1988-02-30”不是日期" in problems
    assert "<td>2</td><td>电子邮箱</td><td>请填写有效的电子邮箱。" in problems


def test_a_round_named_with_its_year_is_not_given_it_twice(app, login_as):  # type: ignore[no-untyped-def]
    """The round form invited "2026 年度数字素养补测" and the pages printed "2026 2026 年度…"."""
    admin = login_as(role=Role.ADMIN)
    form = admin.get("/literacy").get_data(as_text=True)
    assert "不含年份" in form  # the field says what to type
    page = admin.post("/literacy", data={"year": "2026", "name": "2026 年度数字素养补测",
                                         "takers": "professional", "opens_on": "2026-03-01",
                                         "closes_on": "2026-06-30"})  # fmt: skip
    assert page.status_code == 302, page.get_data(as_text=True)
    listed = admin.get(page.headers["Location"]).get_data(as_text=True)
    assert "<h1>2026 年度数字素养补测</h1>" in listed and "2026 2026" not in listed


def test_the_preview_lists_the_rows_it_creates_and_what_it_changes(  # type: ignore[no-untyped-def]
    school_hr, api_client
):
    """The preview said 新增 3 but not which rows: a clerk could not see what a file would
    create or update before confirming."""
    import re

    from core.models import User
    from teachers.roster import HEADERS, SAMPLE
    from tests.sheets import sheet

    school, teacher, hr = school_hr
    sample = dict(zip(HEADERS, SAMPLE, strict=True))
    edited = sample | {"工号": "W001", "姓名": "王老师", "性别": "女", "出生日期": "1985-03-01",
                       "系部/专业": "信息技术系"}  # fmt: skip
    new = [sample | {"工号": f"N{n:03}", "姓名": f"新教师{n}"} for n in range(60)]
    rows = [[r[h] for h in HEADERS] for r in [edited, *new]]

    def listed(page: str) -> str:
        return page.split('id="import-rows"')[1].split("</table>")[0]

    page = preview(hr, "roster", sheet(rows, HEADERS)).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", listed(page)))
    assert "2 修改 工号 W001 · 姓名 王老师" in text, text[:600]
    assert "系部/专业：智能制造系 → 信息技术系" in text
    assert "3 新增 工号 N000 · 姓名 新教师0 新记录" in text
    assert listed(page).count("<tr") == 1 + 50  # a page of 50 rows under the headers
    # The next page: the kept file checked again, the other 11 rows listed.
    more = re.search(r'href="([^"]+page=2[^"]*)"', page)
    assert more, "the preview offers no next page"
    second = hr.get(more.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listed(second).count("<tr") == 1 + 11
    assert "新教师59" in listed(second) and "新教师0<" not in listed(second)
    assert 'name="token"' in second  # and it can be confirmed from there
    # The API's dry run lists the same rows.
    user = next(u for u in User.query.filter_by(school_id=school.id))
    call = api_client(user)
    upload = {"file": (sheet(rows, HEADERS), "名册.xlsx")}
    answer = call("POST", "/api/v1/imports/roster", data=upload,
                  content_type="multipart/form-data").json  # fmt: skip
    assert answer["rows_total"] == 61 and len(answer["rows"]) == 50
    first = answer["rows"][0]
    assert first["action"] == "updated" and first["record"] == "工号 W001 · 姓名 王老师"
    change = {"column": "系部/专业", "before": "智能制造系", "after": "信息技术系"}
    assert change in first["changes"]


def test_a_notification_is_dated_by_wenzhou_s_clock(app, make_user, login_as):  # type: ignore[no-untyped-def]
    """Stored in UTC, read in Asia/Shanghai: a notice of 03:30 in Wenzhou is 19:30 UTC the day
    before, and must not read as yesterday's."""
    from sqlalchemy import update

    from core.extensions import db
    from core.models import Notification
    from core.notifications import notify
    from core.timeutil import start_of_local_day

    user = make_user(Role.TEACHER)
    notify(user, "literacy_passed", key="tz-test", round="2026 年度测评", total="80")
    at = start_of_local_day(today()) + timedelta(hours=3, minutes=30)
    db.session.execute(update(Notification).values(created_at=at))
    db.session.commit()
    page = login_as(user).get("/notifications").get_data(as_text=True)
    assert f"{today().isoformat()} 03:30" in page
    assert f"{(today() - timedelta(days=1)).isoformat()} 19:30" not in page

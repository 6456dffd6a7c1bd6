"""The audit log records who changed what, and each role sees only its share of it."""

from __future__ import annotations

from core.extensions import db
from core.models import AuditEntry, Role


def test_an_update_records_old_and_new_values(login_as, make_teacher, make_user):
    teacher = make_teacher(name="周敏", department="信息技术系")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    c = login_as(hr)
    form = {
        "staff_no": teacher.staff_no, "name": "周敏", "gender": "female", "employment": "contract",
        "hire_date": "2010-09-01", "title": "intermediate", "title_date": "2016-12-01",
        "department": "智能制造系", "professional": "y", "enterprise_months": "12",
    }  # fmt: skip
    assert c.post(f"/teachers/{teacher.id}/edit", data=form).status_code == 302
    entry = db.session.query(AuditEntry).filter_by(action="update", object_id=str(teacher.id)).one()
    assert entry.actor_name == hr.username
    assert entry.school_id == teacher.school_id
    assert entry.changes["department"] == ["信息技术系", "智能制造系"]
    assert entry.changes["employment"] == ["establishment", "contract"]
    assert "name" not in entry.changes  # unchanged fields are not listed


def test_each_role_sees_its_share_of_the_log(login_as, make_teacher, make_school, make_user):
    near = make_school(county="330302", name="鹿城甲校")
    far = make_school(county="330381", name="瑞安乙校")
    make_teacher(school=near, name="近处教师")
    make_teacher(school=far, name="远处教师")

    def seen(**user):  # type: ignore[no-untyped-def]
        return login_as(**user).get("/audit?type=Teacher").get_data(as_text=True)

    hr_page = seen(role=Role.SCHOOL_HR, school=near)
    assert "近处教师" in hr_page and "远处教师" not in hr_page
    county_page = seen(role=Role.BUREAU, county="330381")
    assert "远处教师" in county_page and "近处教师" not in county_page
    city_page = seen(role=Role.BUREAU)
    assert "远处教师" in city_page and "近处教师" in city_page
    assert login_as(role=Role.TEACHER).get("/audit").status_code == 403
    assert login_as(role=Role.ORGANIZER).get("/audit").status_code == 403


def test_failed_sign_ins_and_lockouts_are_audited(client, make_user):
    from tests.conftest import login

    user = make_user(Role.ADMIN)
    for _ in range(5):
        login(client, user, "bad-password")
    actions = [e.action for e in db.session.query(AuditEntry).filter_by(object_id=str(user.id))]
    assert actions.count("login_failed") == 4 and "account_locked" in actions


def test_new_kinds_of_record_read_in_words(app, login_as, make_teacher, make_user):  # type: ignore[no-untyped-def]
    """A seal upload, an import and a literacy round read "修改了记录「温州市教育局」" with no
    changes listed, a round's name was labelled 姓名, and the filter listed 记录 four times."""
    import io
    import re
    from datetime import date

    from teachers.literacy import services as literacy
    from tests.recognition.test_documents import seal_png
    from tests.sheets import confirm, preview, sheet

    bureau = make_user(Role.BUREAU)
    client = login_as(bureau)
    client.post("/seals/city", data={"file": (io.BytesIO(seal_png()), "公章.png")})
    literacy.open_round({"year": 2026, "name": "年度数字素养补测", "takers": "professional",
                         "opens_on": date(2026, 3, 1), "closes_on": date(2026, 6, 30)},
                        None, bureau)  # fmt: skip
    teacher = make_teacher(name="赵一")
    hr = login_as(role=Role.SCHOOL_HR, school=teacher.school)
    headers = ["测评", "工号", "姓名", "数字化意识", "数字技术知识与技能", "数字化应用",
               "数字社会责任", "专业发展"]  # fmt: skip
    row = ["2026 年度数字素养补测", teacher.staff_no, "赵一", 16, 15, 17, 14, 15]
    confirm(hr, "literacy", preview(hr, "literacy", sheet([row], headers), name="成绩.xlsx"))

    log = login_as(role=Role.ADMIN).get("/audit").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", log))
    assert f"{bureau.username} 上传了新的印章 「温州市教育局」 印章启用时间：2" in text
    assert "测评名称：2026 年度数字素养补测" not in text  # the year is its own field
    assert "测评名称：年度数字素养补测" in text and "姓名：年度数字素养补测" not in text
    assert "执行了导入：文件 「数字素养测评成绩 · 成绩.xlsx」" in text and "新增记录数：1" in text
    assert "记录了数字素养测评成绩 「赵一 · 2026 年度数字素养补测」" in text
    assert "各维度得分：数字化意识：16.0" in text and "总分：77" in text
    assert "修改了记录" not in text
    for select in ("type", "action"):
        listed = log.split(f'name="{select}"')[1].split("</select>")[0]
        options = re.findall(r"<option[^>]*>([^<]+)</option>", listed)[1:]  # 全部… aside
        assert "记录" not in options and len(options) == len(set(options)), options

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

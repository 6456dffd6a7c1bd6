"""The teacher pages as HR and teachers meet them."""

from __future__ import annotations

import io

from core.extensions import db
from core.models import AuditEntry, Role
from teachers.models import SkillCertificate, Teacher

NEW = {
    "staff_no": "T900", "name": "林晓", "gender": "female", "birth_date": "1990-04-02",
    "department": "信息技术系", "professional": "y", "employment": "contract",
    "hire_date": "2015-09-01", "title": "junior", "title_date": "2018-10-01",
    "education": "master", "enterprise_months": "6", "phone": "13957700001",
}  # fmt: skip


def test_hr_adds_a_teacher_and_lands_on_the_profile(login_as, make_school):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    response = c.post("/teachers/new", data=NEW)
    teacher = db.session.query(Teacher).filter_by(staff_no="T900").one()
    assert response.location == f"/teachers/{teacher.id}"
    page = c.get(response.location).get_data(as_text=True)
    assert "林晓" in page and "硕士研究生" in page and "合同" in page
    assert teacher.school_id == school.id


def test_bad_input_gets_field_messages_and_saves_nothing(login_as, make_teacher):
    existing = make_teacher()
    c = login_as(role=Role.SCHOOL_HR, school=existing.school)
    bad = dict(NEW, staff_no=existing.staff_no, phone="12345", hire_date="2031-01-01",
               birth_date="not-a-date")  # fmt: skip
    page = c.post("/teachers/new", data=bad)
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "请填写 11 位手机号" in text
    assert "不是有效的日期" in text or "日期" in text
    bad = dict(NEW, staff_no=existing.staff_no)
    text = c.post("/teachers/new", data=bad).get_data(as_text=True)
    assert "本校已有教师使用该工号" in text
    assert db.session.query(Teacher).count() == 1


def test_the_same_staff_number_may_exist_at_another_school(login_as, make_teacher, make_school):
    make_teacher(staff_no="T900")
    c = login_as(role=Role.SCHOOL_HR, school=make_school())
    assert c.post("/teachers/new", data=NEW).status_code == 302


def test_search_filter_sort_and_pages(login_as, make_school, make_teacher, app):
    school = make_school()
    for n in range(30):
        make_teacher(school=school, name=f"甲{n:02d}", professional=n % 2 == 0)
    make_teacher(school=school, name="癸特别", title="senior")
    c = login_as(role=Role.SCHOOL_HR, school=school)
    first = c.get("/teachers?sort=name").get_data(as_text=True)
    assert "第 1 页，共 2 页" in first and "甲00" in first and "癸特别" not in first
    assert "癸特别" in c.get("/teachers?sort=name&page=2").get_data(as_text=True)
    found = c.get("/teachers?q=特别").get_data(as_text=True)
    assert "癸特别" in found and "甲01" not in found
    public = c.get("/teachers?professional=0").get_data(as_text=True)
    assert "甲01" in public and "甲02" not in public
    assert "癸特别" in c.get("/teachers?title=senior").get_data(as_text=True)
    assert "没有符合筛选条件的教师" in c.get("/teachers?q=不存在").get_data(as_text=True)


def test_an_empty_school_shows_what_to_do_next(login_as):
    page = login_as(role=Role.SCHOOL_HR).get("/teachers").get_data(as_text=True)
    assert "尚无教师" in page and "/imports/roster" in page


def test_leaving_and_coming_back(login_as, make_teacher):
    teacher = make_teacher(hire_date=__import__("datetime").date(2015, 9, 1))
    c = login_as(role=Role.SCHOOL_HR, school=teacher.school)
    early = c.post(f"/teachers/{teacher.id}/leave", data={"leave_date": "2014-01-01"})
    assert early.status_code == 400 and "离职日期早于入职日期" in early.get_data(as_text=True)
    left = c.post(
        f"/teachers/{teacher.id}/leave", data={"leave_date": "2026-06-30", "leave_reason": "调动"}
    )
    assert left.status_code == 302
    db.session.refresh(teacher)
    assert teacher.status == "left"
    assert "调动" not in c.get("/teachers").get_data(as_text=True)  # active list by default
    again = c.post(f"/teachers/{teacher.id}/leave", data={"leave_date": "2026-07-01"})
    assert again.status_code == 409
    c.post(f"/teachers/{teacher.id}/reinstate")
    db.session.refresh(teacher)
    assert teacher.status == "active" and teacher.leave_date is None


def test_a_teacher_edits_their_own_contact_details_only(login_as, make_user, make_teacher):
    me = make_teacher()
    c = login_as(make_user(Role.TEACHER, teacher=me))
    assert c.get("/me/profile").location == f"/teachers/{me.id}"
    saved = c.post(
        f"/teachers/{me.id}/contact", data={"phone": "0577-88886666", "email": "me@school.cn"}
    )
    assert saved.status_code == 302
    db.session.refresh(me)
    assert (me.phone, me.email) == ("0577-88886666", "me@school.cn")
    assert c.get(f"/teachers/{me.id}/edit").status_code == 403
    entry = db.session.query(AuditEntry).filter_by(action="contact_updated").one()
    assert entry.changes["phone"] == ["", "0577-88886666"]


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_certificates_with_scans_are_served_only_to_those_who_may_see_them(
    login_as, make_user, make_teacher, make_school
):
    me = make_teacher()
    c = login_as(make_user(Role.TEACHER, teacher=me))
    fake = c.post(
        f"/teachers/{me.id}/certificates/new",
        data={"kind": "skill_level", "name": "电工", "level": "level3", "issued_on": "2020-06-01",
              "scan": (io.BytesIO(b"MZ not a pdf"), "scan.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert fake.status_code == 400 and "请上传真实的" in fake.get_data(as_text=True)
    assert db.session.query(SkillCertificate).count() == 0
    ok = c.post(
        f"/teachers/{me.id}/certificates/new",
        data={"kind": "skill_level", "name": "电工", "level": "level3", "issued_on": "2020-06-01",
              "scan": (io.BytesIO(PDF), "电工证.pdf")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert ok.status_code == 302
    cert = db.session.query(SkillCertificate).one()
    with c.get(f"/certificates/{cert.id}/scan") as scan:
        assert scan.status_code == 200 and scan.data == PDF
    stranger = login_as(role=Role.SCHOOL_HR, school=make_school())
    assert stranger.get(f"/certificates/{cert.id}/scan").status_code == 403
    hr = login_as(role=Role.SCHOOL_HR, school=me.school)
    with hr.get(f"/certificates/{cert.id}/scan") as scan:
        assert scan.status_code == 200
    assert hr.post(f"/certificates/{cert.id}/delete").status_code == 302
    assert db.session.query(SkillCertificate).count() == 0

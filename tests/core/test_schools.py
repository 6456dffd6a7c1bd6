"""Schools: admin keeps the list, HR keeps their enrolment, and each role sees its own."""

from __future__ import annotations

from core.extensions import db
from core.models import Role, SchoolEnrollment


def test_admin_adds_a_school_with_field_messages(login_as):
    c = login_as(role=Role.ADMIN)
    bad = c.post("/schools/new", data={"code": "a b", "name": "", "type": "x", "founder": "public",
                                       "county_id": "1"})  # fmt: skip
    assert bad.status_code == 400
    ok = c.post("/schools/new", data={"code": "WZ900", "name": "温州测试职业学校",
                                      "type": "technician", "founder": "private",
                                      "county_id": "2"})  # fmt: skip
    assert ok.location == "/schools/WZ900"
    assert "温州测试职业学校" in c.get("/schools/WZ900").get_data(as_text=True)


def test_hr_records_enrolment_of_their_own_school_only(login_as, make_school):
    own = make_school(code="OWN1")
    make_school(code="OTH1")
    c = login_as(role=Role.SCHOOL_HR, school=own)
    assert c.post("/schools/OWN1", data={"year": "2025", "students": "2480"}).status_code == 302
    assert c.post("/schools/OWN1", data={"year": "2025", "students": "-5"}).status_code == 400
    assert c.post("/schools/OTH1", data={"year": "2025", "students": "10"}).status_code == 403
    rows = db.session.query(SchoolEnrollment).all()
    assert [(r.school_id, r.year, r.students) for r in rows] == [(own.id, 2025, 2480)]
    assert c.get("/schools/OTH1").status_code == 403


def test_the_school_list_is_scoped(login_as, make_school):
    make_school(code="LC1", county="330302", name="鹿城某校")
    make_school(code="RA1", county="330381", name="瑞安某校")
    county = login_as(role=Role.BUREAU, county="330381").get("/schools").get_data(as_text=True)
    assert "瑞安某校" in county and "鹿城某校" not in county
    city = login_as(role=Role.BUREAU).get("/schools").get_data(as_text=True)
    assert "瑞安某校" in city and "鹿城某校" in city
    assert login_as(role=Role.TEACHER).get("/schools").status_code == 403


def test_api_lists_the_schools_a_county_bureau_may_see(api_client, make_school):
    make_school(code="LC2", county="330302")
    make_school(code="RA2", county="330381")
    call = api_client(role=Role.BUREAU, county="330302")
    assert [s["code"] for s in call("GET", "/api/v1/schools").json["items"]] == ["LC2"]

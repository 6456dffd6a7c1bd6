"""Teachers through the API: the same rules and messages as the pages."""

from __future__ import annotations

from core.models import Role

BODY = {
    "staff_no": "A001", "name": "陈一", "gender": "male", "employment": "establishment",
    "hire_date": "2012-09-01", "professional": True, "title": "intermediate",
    "title_date": "2017-12-01",
}  # fmt: skip


def test_hr_creates_a_teacher_in_their_own_school(api_client, make_school):
    school = make_school(code="HRS")
    call = api_client(role=Role.SCHOOL_HR, school=school)
    response = call("POST", "/api/v1/teachers", json=BODY)
    assert response.status_code == 201
    assert response.json["school"] == "HRS" and response.json["professional"] is True
    other = make_school(code="ELSE")
    refused = call("POST", "/api/v1/teachers", json=dict(BODY, school="ELSE"))
    assert refused.status_code == 403
    assert other.code == "ELSE"


def test_validation_errors_name_each_field(api_client, make_school):
    call = api_client(role=Role.SCHOOL_HR, school=make_school())
    call("POST", "/api/v1/teachers", json=BODY)
    response = call(
        "POST",
        "/api/v1/teachers",
        json=dict(BODY, gender="x", hire_date="yesterday", phone="1", nickname="x"),
    )
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "validation_failed"
    assert error["fields"]["nickname"] == ["未知字段。"]
    assert error["fields"]["gender"] == ["请选择以下之一：male、female。"]
    assert error["fields"]["hire_date"] == ["日期格式为 YYYY-MM-DD。"]
    assert "手机号" in error["fields"]["phone"][0]
    # Well formed, but the staff number is taken: a rule refuses it, not the document.
    duplicate = call("POST", "/api/v1/teachers", json=BODY)
    assert duplicate.status_code == 409 and duplicate.json["error"]["code"] == "rule_violated"
    assert "staff_no" in duplicate.json["error"]["fields"]
    assert call("POST", "/api/v1/teachers", data="not json").status_code == 400


def test_patch_changes_only_what_is_sent(api_client, make_teacher):
    teacher = make_teacher(name="王五", department="汽车工程系")
    call = api_client(role=Role.SCHOOL_HR, school=teacher.school)
    response = call("PATCH", f"/api/v1/teachers/{teacher.id}", json={"department": "智能制造系"})
    assert response.status_code == 200
    assert response.json["department"] == "智能制造系" and response.json["name"] == "王五"
    assert response.json["professional"] is True and response.json["title"] == "intermediate"


def test_list_filters_and_scope(api_client, make_teacher, make_school):
    home = make_school(code="H1")
    make_teacher(school=home, name="甲", professional=True)
    make_teacher(school=home, name="乙", professional=False)
    make_teacher(school=make_school(code="H2"), name="丙")
    call = api_client(role=Role.SCHOOL_HR, school=home)
    names = [t["name"] for t in call("GET", "/api/v1/teachers?sort=name").json["items"]]
    assert sorted(names) == ["乙", "甲"]
    professional = call("GET", "/api/v1/teachers?professional=1").json
    assert [t["name"] for t in professional["items"]] == ["甲"] and professional["total"] == 1


def test_a_missing_teacher_is_a_json_404(api_client):
    call = api_client(role=Role.ADMIN)
    response = call("GET", "/api/v1/teachers/99999")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"

"""What an integrator relies on beyond the document's shapes: incremental sync with
`updated_since` in a stable order, unknown filters refused, the new API twins doing what their
pages do (with the same permissions), and the reference page served from this site."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from core.extensions import db
from core.models import Role
from core.notifications import notify, register_kind
from core.timeutil import today, utcnow
from teachers.models import Teacher


def test_a_list_syncs_from_a_moment_in_the_order_of_change(api_client, make_school, make_teacher):
    school = make_school(code="SYNC1")
    teachers = [make_teacher(school=school, name=f"教师{i}") for i in range(5)]
    long_ago = datetime(2026, 1, 1)
    db.session.execute(update(Teacher).values(updated_at=long_ago))
    db.session.commit()
    call = api_client(role=Role.SCHOOL_HR, school=school)
    mark = utcnow().replace(tzinfo=UTC) - timedelta(seconds=1)
    # Two changes, the later one first in id order.
    for teacher, phone in ((teachers[3], "13800000003"), (teachers[1], "13800000001")):
        changed = call("PATCH", f"/api/v1/teachers/{teacher.id}", json={"phone": phone})
        assert changed.status_code == 200
    since = mark.isoformat().replace("+00:00", "Z")
    synced = call("GET", "/api/v1/teachers", query_string={"updated_since": since})
    assert synced.status_code == 200
    assert [t["name"] for t in synced.json["items"]] == ["教师3", "教师1"]
    assert synced.json["total"] == 2
    assert all(t["updated_at"].endswith("Z") for t in synced.json["items"])
    # Without it: everyone, and the same order on every request.
    first = call("GET", "/api/v1/teachers?per_page=2&page=1").json["items"]
    again = call("GET", "/api/v1/teachers?per_page=2&page=1").json["items"]
    assert [t["id"] for t in first] == [t["id"] for t in again]
    # A misspelt filter is an error, not a silently unfiltered list.
    typo = call("GET", "/api/v1/teachers?stauts=left")
    assert typo.status_code == 400 and "stauts" in typo.json["error"]["fields"]
    bad = call("GET", "/api/v1/teachers?updated_since=yesterday")
    assert bad.status_code == 400 and "updated_since" in bad.json["error"]["fields"]


def test_a_teacher_leaves_and_returns_through_the_api(api_client, make_school, make_teacher):
    school = make_school(code="LV1")
    teacher = make_teacher(school=school, name="周敏")
    hr = api_client(role=Role.SCHOOL_HR, school=school)
    left = hr(
        "POST",
        f"/api/v1/teachers/{teacher.id}/leave",
        json={"leave_date": "2026-07-31", "leave_reason": "调往外地"},
    )
    assert left.status_code == 200 and left.json["status"] == "left"
    assert left.json["status_label"] == "已离职"
    again = hr("POST", f"/api/v1/teachers/{teacher.id}/leave", json={"leave_date": "2026-08-01"})
    assert again.status_code == 409 and again.json["error"]["code"] == "invalid_transition"
    back = hr("POST", f"/api/v1/teachers/{teacher.id}/reinstate")
    assert back.status_code == 200 and back.json["status"] == "active"
    other = api_client(role=Role.SCHOOL_HR, school=make_school(code="LV2"))
    assert other("POST", f"/api/v1/teachers/{teacher.id}/reinstate").status_code == 403


def test_schools_and_their_enrolment_through_the_api(api_client, make_school):
    admin = api_client(role=Role.ADMIN)
    body = {"code": "NEW01", "name": "温州新职业学校", "type": "secondary", "founder": "public",
            "county": "330302"}  # fmt: skip
    created = admin("POST", "/api/v1/schools", json=body)
    assert created.status_code == 201, created.json
    assert created.json["county"]["code"] == "330302" and created.json["type_label"]
    taken = admin("POST", "/api/v1/schools", json=body)
    assert taken.status_code == 409 and set(taken.json["error"]["fields"]) >= {"code", "name"}
    renamed = admin("PUT", "/api/v1/schools/NEW01", json={**body, "name": "温州新城职业学校"})
    assert renamed.status_code == 200 and renamed.json["name"] == "温州新城职业学校"
    school = make_school(code="ENR1")
    hr = api_client(role=Role.SCHOOL_HR, school=school)
    enrolled = hr("PUT", "/api/v1/schools/ENR1/enrollments", json={"year": 2026, "students": 1830})
    assert enrolled.status_code == 200
    assert {"year": 2026, "students": 1830} in enrolled.json["enrollments"]
    assert hr("POST", "/api/v1/schools", json={**body, "code": "X1"}).status_code == 403
    refused = hr("PUT", "/api/v1/schools/NEW01/enrollments", json={"year": 2026, "students": 1})
    assert refused.status_code == 403


def test_notifications_are_read_and_cleared_through_the_api(api_client, make_user):
    user = make_user(Role.SCHOOL_HR)
    register_kind("test_roster_review", "%(name)s: please review the roster.")
    notify(user, "test_roster_review", "k1", link="/teachers", name="王老师")
    db.session.commit()
    call = api_client(user)
    listed = call("GET", "/api/v1/notifications").json
    assert listed["total"] == 1 and listed["items"][0]["read_at"] is None
    assert listed["items"][0]["text"] == "王老师: please review the roster."
    assert listed["items"][0]["link"] == "/teachers"
    assert call("GET", "/api/v1/notifications?unread=1").status_code == 400  # no such filter
    assert call("POST", "/api/v1/notifications/read").status_code == 204
    assert call("GET", "/api/v1/notifications").json["items"][0]["read_at"] is not None


def test_snapshots_are_taken_by_an_administrator_and_read_within_reach(api_client, make_school):
    make_school(code="SNAP1")
    admin = api_client(role=Role.ADMIN)
    taken = admin("POST", "/api/v1/snapshots")
    assert taken.status_code == 201 and taken.json["values"] > 0
    assert taken.json["on"] == today().isoformat()
    city = admin("GET", "/api/v1/snapshots?scope=city&key=dual_qualified_ratio").json
    assert city["total"] == 1 and city["items"][0]["scope"] == "city"
    hr = api_client(role=Role.SCHOOL_HR, school=make_school(code="SNAP2"))
    assert hr("GET", "/api/v1/snapshots?scope=city").status_code == 403
    assert hr("POST", "/api/v1/snapshots").status_code == 403


def test_the_reference_page_is_served_from_this_site(client, login_as):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/static/vendor/redoc/redoc.standalone.js" in html
    assert 'spec-url="/api/v1/openapi.json"' in html
    assert not re.search(r"(src|href)=\"https?://", html)
    script = client.get("/static/vendor/redoc/redoc.standalone.js")
    assert script.status_code == 200 and b"cdn.redoc.ly" not in script.data
    script.close()
    person = login_as(role=Role.SCHOOL_HR)
    assert 'href="/api/docs"' in person.get("/account").get_data(as_text=True)
    # The reference speaks the signed-in person's language, whatever the browser sends.
    english_browser = person.get("/api/docs", headers={"Accept-Language": "en"})
    assert "返回双师" in english_browser.get_data(as_text=True)

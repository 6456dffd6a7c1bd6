"""Placements through the API, and who may do what: a matrix of roles × actions."""

from __future__ import annotations

import io
from datetime import date

import pytest

from core.models import Role
from placements.demo import _agreement_pdf as agreement_pdf
from tests.placements.conftest import valid_code


def test_a_teacher_logs_submits_and_reads_the_ledger_through_the_api(
    api_client, teacher_with_account
):
    teacher, user = teacher_with_account()
    call = api_client(user)
    bad = call(
        "POST",
        "/api/v1/placements",
        json={
            "credit_code": "91350100M000100Y44",
            "post": "装配",
            "form": "post",
            "start_date": "2025-05-05",
            "end_date": "2025-05-09",
            "days": 5,
        },
    )
    assert bad.status_code == 409 and "credit_code" in bad.json["error"]["fields"]
    assert bad.json["error"]["code"] == "rule_violated"  # well formed; the check digit is wrong
    body = {
        "credit_code": valid_code(7),
        "enterprise_name": "温州电气",
        "post": "装配",
        "form": "post",
        "start_date": "2025-05-05",
        "end_date": "2025-05-09",
        "hours": 40,
    }
    created = call("POST", "/api/v1/placements", json=body)
    assert (
        created.status_code == 201
        and created.json["days"] == 5.0
        and created.json["status"] == "draft"
    )
    pid = created.json["id"]
    refused = call("POST", f"/api/v1/placements/{pid}/submit")
    assert refused.status_code == 409 and "evidence" in refused.json["error"]["fields"]
    added = call(
        "POST",
        f"/api/v1/placements/{pid}/evidence",
        data={"kind": "agreement", "file": (io.BytesIO(agreement_pdf()), "协议.pdf")},
        content_type="multipart/form-data",
    )
    assert added.status_code == 201 and added.json["kind"] == "agreement"
    assert call("POST", f"/api/v1/placements/{pid}/submit").json["status"] == "submitted"
    conflict = call("POST", f"/api/v1/placements/{pid}/submit")
    assert conflict.status_code == 409 and conflict.json["error"]["status"] == "submitted"
    assert conflict.json["error"]["code"] == "invalid_transition"
    overlap = call(
        "POST",
        "/api/v1/placements",
        json={**body, "start_date": "2025-05-09", "end_date": "2025-05-13"},
    )
    assert (
        overlap.status_code == 409
        and "2025-05-05" in overlap.json["error"]["fields"]["start_date"][0]
    )
    practice = call("GET", f"/api/v1/teachers/{teacher.id}/practice").json
    assert practice["days_in_window"] == 0 and practice["required_days"] == 132
    assert set(practice) >= {"window_start", "window_end", "meets_requirement"}
    found = call("GET", "/api/v1/enterprises?q=温州电").json
    assert found["items"][0]["credit_code"] == body["credit_code"]


def test_hr_approves_through_the_api_and_the_total_moves(
    api_client, teacher_with_account, make_placement, make_user
):
    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 5, 5), days=8, status="confirmed")
    hr = api_client(make_user(Role.SCHOOL_HR, school=teacher.school))
    refused = hr("POST", f"/api/v1/placements/{placement.id}/reject")  # no reason
    assert refused.status_code == 409 and "reason" in refused.json["error"]["fields"]
    assert hr("POST", f"/api/v1/placements/{placement.id}/approve").json["status"] == "approved"
    assert hr("GET", f"/api/v1/teachers/{teacher.id}/practice").json["days_in_window"] == 8.0
    listed = hr("GET", f"/api/v1/placements?status=approved&school={teacher.school.code}").json
    assert [p["id"] for p in listed["items"]] == [placement.id]


ACTORS = [
    "owner",
    "colleague",
    "hr",
    "hr_other",
    "county_bureau",
    "county_other",
    "city_bureau",
    "admin",
    "organizer",
]
# view: page and API; approve: the HR decision; list: appears in their placement list
EXPECTED = {
    "owner": {"view", "list"},
    "colleague": set(),
    "hr": {"view", "list", "approve"},
    "hr_other": set(),
    "county_bureau": {"view", "list"},
    "county_other": set(),
    "city_bureau": {"view", "list"},
    "admin": {"view", "list"},
    "organizer": set(),
}


@pytest.fixture
def world(teacher_with_account, make_placement, make_user, make_school, make_teacher):  # type: ignore[no-untyped-def]
    teacher, owner = teacher_with_account(school=make_school(county="330302"))
    placement = make_placement(teacher, date(2025, 5, 5), status="confirmed")
    _colleague_teacher, colleague = teacher_with_account(school=teacher.school)
    users = {
        "owner": owner,
        "colleague": colleague,
        "hr": make_user(Role.SCHOOL_HR, school=teacher.school),
        "hr_other": make_user(Role.SCHOOL_HR, school=make_school(county="330381")),
        "county_bureau": make_user(Role.BUREAU, county="330302"),
        "county_other": make_user(Role.BUREAU, county="330381"),
        "city_bureau": make_user(Role.BUREAU),
        "admin": make_user(Role.ADMIN),
        "organizer": make_user(Role.ORGANIZER),
    }
    return placement, users


@pytest.mark.parametrize("actor", ACTORS)
def test_access_matrix(world, login_as, api_client, actor):  # type: ignore[no-untyped-def]
    placement, users = world
    user = users[actor]
    page, api = login_as(user), api_client(user)
    allowed = set()
    if page.get(f"/placements/{placement.id}").status_code == 200:
        allowed.add("view")
        assert api("GET", f"/api/v1/placements/{placement.id}").status_code == 200
    else:
        assert api("GET", f"/api/v1/placements/{placement.id}").status_code == 403
    listing = page.get("/placements?status=all")
    if listing.status_code == 200 and f'/placements/{placement.id}"' in listing.get_data(
        as_text=True
    ):
        allowed.add("list")
    if api("POST", f"/api/v1/placements/{placement.id}/approve").status_code == 200:
        allowed.add("approve")
    assert allowed == EXPECTED[actor]


def test_coded_fields_come_with_labels_in_the_caller_s_language(
    api_client, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="draft")
    call = api_client(user)
    chinese = call(
        "GET", f"/api/v1/placements/{placement.id}", headers={"Accept-Language": "zh-CN"}
    )
    english = call("GET", f"/api/v1/placements/{placement.id}", headers={"Accept-Language": "en"})
    assert chinese.json["status"] == english.json["status"] == "draft"
    assert chinese.json["status_label"] == "草稿" and english.json["status_label"] == "Draft"
    assert english.json["form_label"] == "Holding a production or management post"
    profile = call("GET", f"/api/v1/teachers/{teacher.id}", headers={"Accept-Language": "en"})
    assert profile.json["status_label"] == "Active"

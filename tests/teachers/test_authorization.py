"""Who may do what to a teacher's record: every role against every teacher page and API
endpoint, for a teacher of their own school (or county) and of another one."""

from __future__ import annotations

import pytest

from core.models import Role

# (actor, target) → which actions succeed. Targets: "own" is a teacher of the actor's school
# (the actor's own record for the teacher actor; a school in the actor's county for a county
# bureau), "other" is a teacher of a school in another county.
ACTIONS = ["view", "edit", "contact", "leave", "list", "api_get", "api_patch", "api_contact"]
ALL = set(ACTIONS)
READ = {"view", "list", "api_get"}
MATRIX = {
    ("admin", "own"): ALL,
    ("admin", "other"): ALL,
    ("city_bureau", "own"): READ,
    ("city_bureau", "other"): READ,
    ("county_bureau", "own"): READ,
    ("county_bureau", "other"): set(),
    ("hr", "own"): ALL,
    ("hr", "other"): set(),
    ("teacher", "own"): {"view", "contact", "api_get", "api_contact"},
    ("teacher", "colleague"): set(),
    ("organizer", "own"): set(),
}


@pytest.fixture
def world(make_school, make_teacher, make_user):  # type: ignore[no-untyped-def]
    home = make_school(code="HOME", county="330302")
    away = make_school(code="AWAY", county="330381")
    me = make_teacher(school=home, name="本人")
    targets = {
        "own": me,
        "colleague": make_teacher(school=home, name="同事"),
        "other": make_teacher(school=away, name="外校"),
    }
    actors = {
        "admin": make_user(Role.ADMIN),
        "city_bureau": make_user(Role.BUREAU),
        "county_bureau": make_user(Role.BUREAU, county="330302"),
        "hr": make_user(Role.SCHOOL_HR, school=home),
        "teacher": make_user(Role.TEACHER, teacher=me),
        "organizer": make_user(Role.ORGANIZER),
    }
    return actors, targets


def attempt(action, client, api, teacher):  # type: ignore[no-untyped-def]
    """Try `action`; True when it was allowed (and done), False when refused."""
    t = teacher
    if action == "view":
        return client.get(f"/teachers/{t.id}").status_code == 200
    if action == "edit":
        return client.get(f"/teachers/{t.id}/edit").status_code == 200
    if action == "contact":
        r = client.post(f"/teachers/{t.id}/contact", data={"phone": "13900000000"})
        return r.status_code == 302
    if action == "leave":
        r = client.post(f"/teachers/{t.id}/leave", data={"leave_date": "2026-07-01"})
        return r.status_code == 302
    if action == "list":
        r = client.get("/teachers?status=all")
        return r.status_code == 200 and f'/teachers/{t.id}"' in r.get_data(as_text=True)
    if action == "api_get":
        return api("GET", f"/api/v1/teachers/{t.id}").status_code == 200
    if action == "api_patch":
        return (
            api("PATCH", f"/api/v1/teachers/{t.id}", json={"department": "新系部"}).status_code
            == 200
        )
    if action == "api_contact":
        r = api("PATCH", f"/api/v1/teachers/{t.id}", json={"email": "a@b.cn"})
        return r.status_code == 200
    raise AssertionError(action)


@pytest.mark.parametrize("actor, target", sorted(MATRIX))
def test_authorization_matrix(world, login_as, api_client, actor, target):  # type: ignore[no-untyped-def]
    actors, targets = world
    user, teacher = actors[actor], targets[target]
    client, api = login_as(user), api_client(user)
    allowed = {action for action in ACTIONS if attempt(action, client, api, teacher)}
    assert allowed == MATRIX[(actor, target)]


def test_refusals_are_403_pages_and_json(world, login_as, api_client):  # type: ignore[no-untyped-def]
    actors, targets = world
    page = login_as(actors["hr"]).get(f"/teachers/{targets['other'].id}")
    assert page.status_code == 403 and "您没有执行此操作的权限" in page.get_data(as_text=True)
    api = api_client(actors["hr"])
    response = api("GET", f"/api/v1/teachers/{targets['other'].id}")
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    teacher_api = api_client(actors["teacher"])
    refused = teacher_api("PATCH", f"/api/v1/teachers/{targets['own'].id}", json={"name": "改名"})
    assert refused.status_code == 403 and refused.json["error"]["code"] == "forbidden"

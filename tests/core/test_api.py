"""API plumbing: Bearer tokens, JSON errors, pagination, and the OpenAPI document."""

from __future__ import annotations

import re

from core import accounts
from core.api import PREFIX
from core.extensions import db
from core.models import Role


def test_requests_without_a_valid_token_get_a_json_401(client):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.json["error"]["code"] == "unauthorized"


def test_a_signed_in_browser_session_does_not_authorise_the_api(login_as):
    c = login_as(role=Role.ADMIN)
    assert c.get("/api/v1/me").status_code == 401


def test_me_describes_the_token_owner(api_client, make_school):
    school = make_school(code="WZ100")
    call = api_client(role=Role.SCHOOL_HR, school=school)
    body = call("GET", "/api/v1/me").json
    assert body["role"] == "school_hr" and body["school"] == "WZ100"


def test_a_revoked_token_stops_working(app, make_user):
    user = make_user(Role.ADMIN)
    token, plain = accounts.create_token(user, "sync")
    db.session.commit()
    c = app.test_client()
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 200
    accounts.revoke_token(token, user)
    db.session.commit()
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"}).status_code == 401


def test_tokens_are_created_on_the_profile_page_shown_once_and_stored_hashed(login_as, app):
    from core.models import ApiToken

    c = login_as(role=Role.ADMIN)
    page = c.post("/account/tokens", data={"name": "roster sync"}).get_data(as_text=True)
    plain = page.split('id="token">')[1].split("<")[0]
    stored = db.session.query(ApiToken).one()
    assert plain.startswith("ss_") and stored.token_hash != plain and plain not in stored.token_hash
    assert "ss_" not in c.get("/account").get_data(as_text=True).replace(stored.prefix, "")
    assert (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
        .status_code
        == 200
    )


def test_cli_prints_a_token_once(runner, make_user, app):
    user = make_user(Role.BUREAU, county="330302")
    result = runner.invoke(args=["users", "token", user.username, "--name", "bi"])
    plain = result.output.strip()
    assert result.exit_code == 0 and plain.startswith("ss_")
    assert (
        app.test_client()
        .get("/api/v1/me", headers={"Authorization": f"Bearer {plain}"})
        .json["county"]
        == "330302"
    )


def test_lists_are_paginated_and_bad_page_numbers_are_field_errors(api_client, make_school):
    for _ in range(3):
        make_school()
    call = api_client(role=Role.ADMIN)
    body = call("GET", "/api/v1/schools?per_page=2&page=2").json
    assert body["total"] == 3 and body["page"] == 2 and len(body["items"]) == 1
    bad = call("GET", "/api/v1/schools?per_page=5000&page=0")
    assert bad.status_code == 400
    assert set(bad.json["error"]["fields"]) == {"page", "per_page"}


def test_unknown_api_paths_and_methods_answer_in_json(api_client):
    call = api_client(role=Role.ADMIN)
    assert call("GET", "/api/v1/nothing-here").json["error"]["code"] == "not_found"
    response = call("DELETE", "/api/v1/me")
    assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed"


def test_the_openapi_document_matches_the_registered_routes(app, client):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    registered = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        path = re.sub(r"<(?:[^<>]*:)?(\w+)>", r"{\1}", rule.rule.removeprefix(PREFIX))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            registered.add((path, method.lower()))
    assert documented == registered
    for ops in doc["paths"].values():
        for op in ops.values():
            assert op["summary"] and op["responses"]

"""CSRF protection is on for every form outside the tests that switch it off."""

from __future__ import annotations

import re

from core import create_app
from core.extensions import db
from tests.conftest import PASSWORD, IsolatedClient


def test_forms_without_the_csrf_token_are_refused(app, make_user):
    user = make_user("admin")
    secure = create_app("testing", {**app.config, "WTF_CSRF_ENABLED": True})
    secure.test_client_class = IsolatedClient
    c = secure.test_client()
    refused = c.post("/login", data={"username": user.username, "password": PASSWORD})
    assert refused.status_code == 400
    assert "表单已过期" in refused.get_data(as_text=True)

    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    accepted = c.post(
        "/login", data={"username": user.username, "password": PASSWORD, "csrf_token": token}
    )
    assert accepted.status_code == 302
    with secure.app_context():
        db.engine.dispose()

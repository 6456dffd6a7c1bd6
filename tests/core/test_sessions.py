"""Sessions that end (OWASP ASVS V3.3, V3.5): a session or remember cookie copied before signing
out opens nothing after it; a password change or reset ends the other sessions and revokes the
person's API tokens, and they are told."""

from __future__ import annotations

import re

from core import accounts
from core.extensions import db
from core.models import Notification, Role
from tests.conftest import PASSWORD, login


def _cookies(client) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.key: c.value for c in client._cookies.values()}


def test_a_copied_cookie_dies_with_the_sign_out(app, make_user):  # type: ignore[no-untyped-def]
    user = make_user(Role.SCHOOL_HR)
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": PASSWORD,
                                 "remember": "y"})  # fmt: skip
    stolen = _cookies(browser)
    assert "session" in stolen and "remember_token" in stolen
    assert browser.get("/account").status_code == 200
    browser.post("/logout")
    for name in ("session", "remember_token"):
        thief = app.test_client()
        thief.set_cookie(name, stolen[name])
        answer = thief.get("/account")
        assert answer.status_code == 302 and "/login" in answer.location, name


def test_a_new_password_ends_other_sessions_and_revokes_tokens(app, make_user, api_client):  # type: ignore[no-untyped-def]
    user = make_user(Role.SCHOOL_HR)
    call = api_client(user)
    assert call("GET", "/api/v1/me").status_code == 200
    other_device = app.test_client()
    login(other_device, user)
    assert other_device.get("/account").status_code == 200
    accounts.change_password(user, PASSWORD, "a-new-long-password-9")
    db.session.commit()
    assert call("GET", "/api/v1/me").status_code == 401
    assert other_device.get("/account").status_code == 302
    told = db.session.query(Notification).filter_by(user_id=user.id, kind="tokens_revoked").one()
    assert told.params == {"count": 1}
    # An administrator's reset does the same to a token made since.
    again = api_client(user)
    accounts.reset_password(user, make_user(Role.ADMIN))
    db.session.commit()
    assert again("GET", "/api/v1/me").status_code == 401


def test_remember_me_lasts_two_weeks_by_default(app):  # type: ignore[no-untyped-def]
    assert app.config["REMEMBER_COOKIE_DURATION"].days == 14


def test_a_token_made_for_30_days_stops_working_after_them(app, make_user, login_as):  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from core.models import ApiToken
    from core.timeutil import utcnow

    user = make_user(Role.SCHOOL_HR)
    page = login_as(user)
    made = page.post("/account/tokens", data={"name": "同步", "days": "30"})
    plain = re.search(r"(ss_[\w-]+)", made.get_data(as_text=True)).group(1)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    assert timedelta(days=29) < token.expires_at - utcnow() <= timedelta(days=30)
    assert "有效至" in page.get("/account").get_data(as_text=True)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert "已过期" in page.get("/account").get_data(as_text=True)


def test_an_idle_session_ends(app, make_user):  # type: ignore[no-untyped-def]
    import time

    user = make_user(Role.SCHOOL_HR)
    browser = app.test_client()
    browser.post("/login", data={"username": user.username, "password": PASSWORD,
                                 "remember": "y"})  # fmt: skip
    assert browser.get("/account").status_code == 200
    with browser.session_transaction() as session:
        session["seen"] = int(time.time()) - app.config["IDLE_MINUTES"] * 60 - 5
    gone = browser.get("/account")
    assert gone.status_code == 302 and "/login" in gone.location
    assert browser.get("/account").status_code == 302  # the remember cookie went with it


def test_https_answers_carry_hsts_and_production_refuses_a_weak_key(app, client):  # type: ignore[no-untyped-def]
    import pytest

    from core import _check_secret_key

    assert "Strict-Transport-Security" not in client.get("/login").headers
    secure = client.get("/login", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    for weak in (None, "", "dev-only-not-secret", "short"):
        with pytest.raises(RuntimeError, match="secrets.token_hex"):
            _check_secret_key(weak)
    _check_secret_key("k" * 64)

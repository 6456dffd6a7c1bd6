"""Rate limits on signing in (per account and per client address) and on API tokens: a clear
message in the user's language, 429 with Retry-After, and counters every web machine shares
(the database, or Redis when configured)."""

from __future__ import annotations

import os
import secrets

import pytest

from core import ratelimit
from core.models import Role
from tests.conftest import PASSWORD

STORES = ["database"] + (["redis"] if os.environ.get("TEST_REDIS_URL") else [])


@pytest.fixture(params=STORES)
def limited(request, app, monkeypatch):  # type: ignore[no-untyped-def]
    """Rate limits on, with small limits of fresh names (Redis keeps counters between tests)."""
    run = secrets.token_hex(4)
    monkeypatch.setattr(ratelimit, "LOGIN_PER_ACCOUNT", ratelimit.Limit(f"u{run}", 3, 600))
    monkeypatch.setattr(ratelimit, "LOGIN_PER_ADDRESS", ratelimit.Limit(f"a{run}", 5, 600))
    monkeypatch.setattr(ratelimit, "API_PER_TOKEN", ratelimit.Limit(f"t{run}", 2, 60))
    app.config.update(
        RATELIMIT_ENABLED=True,
        REDIS_URL=os.environ["TEST_REDIS_URL"] if request.param == "redis" else None,
    )
    yield request.param
    app.config.update(RATELIMIT_ENABLED=False, REDIS_URL=None)


def sign_in(client, username: str, password: str = "wrong-password"):  # type: ignore[no-untyped-def]
    return client.post("/login", data={"username": username, "password": password})


def test_an_account_gets_a_few_tries_then_waits_with_a_clear_message(limited, client, make_user):
    user = make_user(Role.TEACHER)
    for _ in range(3):
        assert sign_in(client, user.username).status_code == 200  # wrong password, form again
    refused = sign_in(client, user.username, PASSWORD)  # even the right one must now wait
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert "尝试次数过多" in refused.get_data(as_text=True)
    # Another account from the same office is not held up by it.
    other = make_user(Role.TEACHER)
    assert sign_in(client, other.username, PASSWORD).status_code == 302


def test_the_turn_of_a_window_does_not_give_a_fresh_set_of_tries(limited, client, monkeypatch):
    """Three tries in the last seconds of one ten-minute window, then one just after it turns:
    still three tries in ten minutes, so the fourth waits (a fixed window would let it in)."""
    clock = [1_800_000_000 - 5.0]  # five seconds before a window of 600 s ends
    monkeypatch.setattr(ratelimit.time, "time", lambda: clock[0])
    for _ in range(3):
        assert sign_in(client, "window-turn").status_code == 200
    clock[0] += 10
    refused = sign_in(client, "window-turn")
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    # Once the earlier tries are ten minutes old, the account may try again.
    clock[0] += 600
    assert sign_in(client, "window-turn").status_code == 200


def test_one_address_trying_many_accounts_is_slowed_down(limited, client):
    for n in range(5):
        assert sign_in(client, f"nobody{n}").status_code == 200
    assert sign_in(client, "nobody-else").status_code == 429


def test_an_api_token_is_limited_with_a_json_error(limited, api_client):
    call = api_client(role=Role.ADMIN)
    assert call("GET", "/api/v1/me").status_code == 200
    assert call("GET", "/api/v1/me").status_code == 200
    refused = call("GET", "/api/v1/me")
    assert refused.status_code == 429
    assert refused.json["error"]["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) <= 60


def test_made_up_tokens_write_nothing(app, client, monkeypatch):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from core.extensions import db
    from core.models import RateLimitCounter

    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    before = db.session.scalar(select(func.count()).select_from(RateLimitCounter))
    for n in range(20):
        answer = client.get("/api/v1/me", headers={"Authorization": f"Bearer made-up-{n}"})
        assert answer.status_code == 401
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(RateLimitCounter)) == before


def test_each_limit_is_a_setting(app, api_client, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(ratelimit, "API_PER_TOKEN", ratelimit.Limit("api-token", 600, 60))
    monkeypatch.setitem(app.config, "RATELIMIT_API_TOKEN", "1/60")
    call = api_client(role=Role.ADMIN)
    assert call("GET", "/api/v1/me").status_code == 200
    assert call("GET", "/api/v1/me").status_code == 429


def test_only_failed_sign_ins_count(limited, app, make_user):  # type: ignore[no-untyped-def]
    """A demo or training account was refused after ten good sign-ins in ten minutes."""
    user = make_user(Role.TEACHER)
    for _ in range(8):  # the account's limit is 3 here, the address's 5
        client = app.test_client()
        assert sign_in(client, user.username, PASSWORD).status_code == 302
    client = app.test_client()
    for _ in range(3):
        assert sign_in(client, user.username).status_code == 200  # three wrong passwords
    refused = sign_in(client, user.username, PASSWORD)
    assert refused.status_code == 429
    page = refused.get_data(as_text=True)
    # Said in words: what happened and when to try again, not a bare "429".
    assert "<h1>尝试次数过多" in page and "<title>尝试次数过多" in page
    assert "分钟" in page and "后重试" in page

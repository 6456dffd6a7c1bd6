"""Rate limits that hold across every web machine: counted in Redis when `REDIS_URL` is set,
otherwise in the database all machines share (a counter per key and fixed window, read as a
sliding window: the previous window's count weighs what is left of it, so "ten tries in ten
minutes" holds across a window's end instead of allowing twenty at the turn).

Limits are checked before the request touches its own database session, so the counter is
written in its own short transaction and counts even when the request fails.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from functools import cache

from flask import Flask, current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .accounts import token_exists
from .errors import ServiceError
from .extensions import db
from .models import RateLimitCounter


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        super().__init__(
            _("Too many attempts. Please wait %(minutes)d minutes and try again.", minutes=minutes),
            retry_after=retry_after,
        )
        self.retry_after = retry_after


@dataclass(frozen=True)
class Limit:
    name: str
    hits: int
    per_seconds: int


# Signing in: per client address (one office behind one address signs in many people) and per
# account (on top of the lockout, which counts only wrong passwords).
LOGIN_PER_ADDRESS = Limit("login-addr", 60, 600)
LOGIN_PER_ACCOUNT = Limit("login-user", 10, 600)
API_PER_TOKEN = Limit("api-token", 600, 60)


@cache
def redis_client(url: str):  # type: ignore[no-untyped-def]
    import redis

    return redis.Redis.from_url(url, socket_timeout=2)


def configured(limit: Limit) -> Limit:
    """`limit` as the installation sets it: RATELIMIT_LOGIN_ADDR, RATELIMIT_LOGIN_USER and
    RATELIMIT_API_TOKEN ("hits/seconds", e.g. "600/60"), today's values by default."""
    setting = current_app.config.get("RATELIMIT_" + limit.name.upper().replace("-", "_"))
    if not setting:
        return limit
    hits, _slash, seconds = str(setting).partition("/")
    return Limit(limit.name, int(hits), int(seconds or limit.per_seconds))


def hit(limit: Limit, subject: str) -> None:
    """Count one hit of `subject` (an address, an account) against `limit`; raise RateLimited
    when the window's count passes it."""
    if not current_app.config["RATELIMIT_ENABLED"]:
        return
    limit = configured(limit)
    now = time.time()
    window = int(now) - int(now) % limit.per_seconds
    digest = hashlib.sha256(subject.encode()).hexdigest()[:32]
    key = f"shuangshi:rl:{limit.name}:{digest}"
    url = current_app.config.get("REDIS_URL")
    if url:
        pipe = redis_client(url).pipeline()
        pipe.incr(f"{key}:{window}")
        pipe.expire(f"{key}:{window}", 2 * limit.per_seconds + 5)
        pipe.get(f"{key}:{window - limit.per_seconds}")
        current, _expire, previous = pipe.execute()
        count, before = int(current), int(previous or 0)
    else:
        count, before = _count_in_database(key, window, window - limit.per_seconds)
    left_of_previous = 1 - (now - window) / limit.per_seconds
    if count + before * left_of_previous > limit.hits:
        raise RateLimited(max(1, math.ceil(window + limit.per_seconds - now)))


def _count_in_database(key: str, window: int, previous: int) -> tuple[int, int]:
    """Count one hit in `window` and read the `previous` window's count, in one transaction."""
    upsert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = (
        upsert(RateLimitCounter)
        .values(key=key, window_start=window, hits=1)
        .on_conflict_do_update(
            index_elements=["key", "window_start"],
            set_={"hits": RateLimitCounter.hits + 1},
        )
        .returning(RateLimitCounter.hits)
    )
    earlier = select(RateLimitCounter.hits).where(
        RateLimitCounter.key == key, RateLimitCounter.window_start == previous
    )
    with db.engine.begin() as conn:
        count = int(conn.execute(statement).scalar_one())
        return count, int(conn.execute(earlier).scalar() or 0)


def forget_old_windows(before_epoch: int) -> int:
    """Housekeeping: drop database counters of windows that ended long ago."""
    result = db.session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.window_start < before_epoch)
    )
    return result.rowcount or 0


def _client_address() -> str:
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    @app.before_request
    def _limit() -> None:
        # Registered before every blueprint, so nothing has opened the request's session yet.
        if request.endpoint == "core.login" and request.method == "POST":
            hit(LOGIN_PER_ADDRESS, _client_address())
            username = (request.form.get("username") or "").strip().lower()
            if username:
                hit(LOGIN_PER_ACCOUNT, username)
        elif request.path.startswith("/api/"):
            header = request.headers.get("Authorization", "")
            plain = header[7:].strip() if header.startswith("Bearer ") else ""
            # Only real tokens are counted: a made-up one is refused (401) and writes nothing,
            # so nobody grows the counters from outside.
            if plain and token_exists(plain):
                hit(API_PER_TOKEN, plain)

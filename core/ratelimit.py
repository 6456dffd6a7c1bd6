"""Rate limits that hold across every web machine: counted in Redis when `REDIS_URL` is set,
otherwise in the database all machines share (a counter per key and fixed window, read as a
sliding window: the previous window's count weighs what is left of it, so "ten tries in ten
minutes" holds across a window's end instead of allowing twenty at the turn).

Limits are checked before the request touches its own database session, so the counter is
written in its own short transaction and counts even when the request fails. Signing in counts
only the attempts that failed (checked before, counted after): a training room's forty people
signing in to one demo account are not refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from flask import Flask, Response, current_app, request
from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .accounts import token_exists
from .errors import ServiceError
from .extensions import db
from .models import RateLimitCounter
from .timeutil import local_tz


class RateLimited(ServiceError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        minutes = max(1, math.ceil(retry_after / 60))
        until = datetime.now(local_tz()) + timedelta(seconds=retry_after)
        super().__init__(
            _("Too many attempts. Please wait %(minutes)d minutes and try again after %(time)s.",
              minutes=minutes, time=until.strftime("%H:%M")),
            retry_after=retry_after,
        )  # fmt: skip
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


def hit(limit: Limit, subject: str, *, count: bool = True) -> None:
    """Count one hit of `subject` (an address, an account) against `limit`; raise RateLimited
    when the window's count passes it. `count=False` only asks: refused when the hits already
    counted (failed sign-ins, see `init_app`) have used the window up."""
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
        if count:
            pipe.incr(f"{key}:{window}")
            pipe.expire(f"{key}:{window}", 2 * limit.per_seconds + 5)
        else:
            pipe.get(f"{key}:{window}")
        pipe.get(f"{key}:{window - limit.per_seconds}")
        answers = pipe.execute()
        hits, before = int(answers[0] or 0), int(answers[-1] or 0)
    else:
        hits, before = _count_in_database(key, window, window - limit.per_seconds, count)
    left_of_previous = 1 - (now - window) / limit.per_seconds
    # Counting, this hit is among `hits`; asking, the next one would be.
    if hits + (0 if count else 1) + before * left_of_previous > limit.hits:
        raise RateLimited(max(1, math.ceil(window + limit.per_seconds - now)))


def _count_in_database(key: str, window: int, previous: int, count: bool) -> tuple[int, int]:
    """Count one hit in `window` (or only read its count) and read the `previous` window's
    count, in one transaction."""
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

    def hits_of(start: int) -> Any:
        return select(RateLimitCounter.hits).where(
            RateLimitCounter.key == key, RateLimitCounter.window_start == start
        )

    with db.engine.begin() as conn:
        now = conn.execute(statement if count else hits_of(window)).scalar()
        return int(now or 0), int(conn.execute(hits_of(previous)).scalar() or 0)


def forget_old_windows(before_epoch: int) -> int:
    """Housekeeping: drop database counters of windows that ended long ago."""
    result = db.session.execute(
        delete(RateLimitCounter).where(RateLimitCounter.window_start < before_epoch)
    )
    return result.rowcount or 0


def _client_address() -> str:
    return request.remote_addr or "unknown"


def _signing_in() -> bool:
    return request.endpoint == "core.login" and request.method == "POST"


def _login_subjects() -> list[tuple[Limit, str]]:
    username = (request.form.get("username") or "").strip().lower()
    return [(LOGIN_PER_ADDRESS, _client_address())] + (
        [(LOGIN_PER_ACCOUNT, username)] if username else []
    )


def init_app(app: Flask) -> None:
    @app.after_request
    def _count_a_failed_sign_in(response: Response) -> Response:
        # Only failures count: a demo or training account signs in as often as it likes. A
        # sign-in that worked redirects; a refused one shows the form again.
        if _signing_in() and response.status_code not in (302, 429):
            for limit, subject in _login_subjects():
                with contextlib.suppress(RateLimited):  # this one is answered already
                    hit(limit, subject)
        return response

    @app.before_request
    def _limit() -> None:
        # Registered before every blueprint, so nothing has opened the request's session yet.
        if _signing_in():
            for limit, subject in _login_subjects():
                hit(limit, subject, count=False)
        elif request.path.startswith("/api/"):
            header = request.headers.get("Authorization", "")
            plain = header[7:].strip() if header.startswith("Bearer ") else ""
            # Only real tokens are counted: a made-up one is refused (401) and writes nothing,
            # so nobody grows the counters from outside.
            if plain and token_exists(plain):
                hit(API_PER_TOKEN, plain)

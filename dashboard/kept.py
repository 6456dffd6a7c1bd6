"""The dashboard's computations, kept between requests and brought up to date school by school.

A value is kept in the web process and, with REDIS_URL, in Redis too, so that a new process (a
restarted or added worker, another machine) starts from the figures the others keep rather
than counting a province again; the `dashboard.figures` job computes the current periods in
full every half hour, so requests only ever add the schools changed since (`freshness`).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import current_app
from redis.exceptions import WatchError

from core.extensions import db
from core.ratelimit import redis_client

from . import freshness

log = logging.getLogger(__name__)

# refresh(old, changes): `old` None computes everything; otherwise the kept value brought up to
# date for what changed (freshness.Changes: the kinds of record changed per school; None: any).
Refresh = Callable[[Any, freshness.Changes], Any]


@dataclass(frozen=True)
class Codec:
    """How a value is shared: as parts (one JSON field each of a Redis hash), so that after a
    change only the parts it touched are written again: one school's figures, not a province's
    (half a megabyte of JSON, most of a recompute's time)."""

    # split(value, changes): the parts of `value` — all of them when `changes` is None, else
    # those the changes touched (None for a part that no longer exists).
    split: Callable[[Any, freshness.Changes], dict[str, Any]]
    join: Callable[[dict[str, Any]], Any]


@dataclass(frozen=True)
class _Kept:
    mark: freshness.Mark
    full_at: float  # wall-clock time of the last computation of every school
    value: Any


_local: dict[tuple[str, str], _Kept] = {}
_local_lock = threading.Lock()
_HEAD = "_mark"  # the hash's field holding the mark; the others are the codec's parts


def _name(key: tuple[Any, ...]) -> str:
    return "|".join(str(part) for part in key)


def _redis_key(name: str) -> str:
    database = hashlib.sha256(str(db.engine.url).encode()).hexdigest()[:12]
    return f"shuangshi:dashboard:{database}:{name}"


def _head(mark: freshness.Mark, full_at: float) -> str:
    return json.dumps(
        {
            "top": mark.top,
            "top_at": mark.top_at.isoformat() if mark.top_at else None,
            "unseen": sorted(mark.unseen),
            "full_at": full_at,
        }
    )


def _read_head(raw: bytes | str) -> tuple[freshness.Mark, float]:
    data = json.loads(raw)
    top_at = datetime.fromisoformat(data["top_at"]) if data["top_at"] else None
    return freshness.Mark(data["top"], top_at, frozenset(data["unseen"])), data["full_at"]


def _load_shared(name: str, codec: Codec) -> _Kept | None:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    try:
        fields = redis_client(url).hgetall(_redis_key(name))
    except Exception:  # a shared copy is an optimisation: without Redis, count here
        log.warning("dashboard: the shared figures could not be read", exc_info=True)
        return None
    head = fields.pop(_HEAD.encode(), None)
    if head is None:
        return None
    try:
        mark, full_at = _read_head(head)
        value = codec.join({part.decode(): json.loads(raw) for part, raw in fields.items()})
    except (KeyError, TypeError, ValueError):  # a copy cut short (expired between two writes)
        log.warning("dashboard: the shared figures were incomplete", exc_info=True)
        return None
    return _Kept(mark, full_at, value)


def _save_shared(
    name: str, kept: _Kept, codec: Codec, seconds: int, base: freshness.Mark | None = None,
    changes: freshness.Changes = None,
) -> None:  # fmt: skip
    """Write `kept` to the shared copy: in full after a full computation (`base` None), else
    only the parts changed since the copy's own mark (`changes`, when the copy is at `base`, the
    mark they were read from). A copy newer than `kept`, or written by another process
    meanwhile, is left as it is: every copy is true for its mark."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return
    key = _redis_key(name)
    try:
        with redis_client(url).pipeline() as pipe:
            parts = None
            if base is not None:
                pipe.watch(key)
                head = pipe.hget(key, _HEAD)
                if head is not None:
                    stored, stored_full_at = _read_head(head)
                    if stored.top > kept.mark.top or stored == kept.mark:
                        return  # as new as this, or newer
                    if stored != base:
                        _now, changes = freshness.since(stored)
                    if changes is not None:
                        parts = codec.split(kept.value, changes)
                        kept = _Kept(kept.mark, min(kept.full_at, stored_full_at), kept.value)
                pipe.multi()
            if parts is None:
                parts = codec.split(kept.value, None)
                pipe.delete(key)
            gone = [part for part, value in parts.items() if value is None]
            written = {
                part: json.dumps(value) for part, value in parts.items() if value is not None
            }
            if gone:
                pipe.hdel(key, *gone)
            pipe.hset(key, mapping={**written, _HEAD: _head(kept.mark, kept.full_at)})
            pipe.expire(key, seconds)
            pipe.execute()
    except WatchError:
        return  # another process wrote its copy meanwhile
    except Exception:
        log.warning("dashboard: the shared figures could not be written", exc_info=True)


def keep(key: tuple[Any, ...], refresh: Refresh, codec: Codec | None = None) -> Any:
    """The value kept for `key`, brought up to date by `refresh`; shared through Redis when a
    `codec` says how. Every school is recomputed after DASHBOARD_CACHE_SECONDS all the same,
    the bound for a change made without the audit log (there should be none)."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", 0)
    if not seconds:
        return refresh(None, None)
    name = _name(key)
    local_key = (str(db.engine.url), name)
    now = time.time()
    with _local_lock:
        kept = _local.get(local_key)
    from_shared = False
    if (kept is None or kept.full_at + seconds <= now) and codec is not None:
        shared = _load_shared(name, codec)
        if shared is not None and (kept is None or shared.full_at > kept.full_at):
            kept, from_shared = shared, True
    moved = True  # the kept value is newer than the shared copy
    base, changes = None, None
    if kept is None or kept.full_at + seconds <= now:
        mark = freshness.mark()  # read before the data, so no change falls between
        kept = _Kept(mark, now, refresh(None, None))
    else:
        mark, changes = freshness.since(kept.mark)
        moved = mark != kept.mark
        if not moved and not from_shared:
            return kept.value
        if moved:
            value = kept.value if changes == {} else refresh(kept.value, changes)
            base, kept = kept.mark, _Kept(mark, kept.full_at, value)
    with _local_lock:
        for stale in [k for k, held in _local.items() if held.full_at + seconds <= now]:
            del _local[stale]
        _local[local_key] = kept
    if codec is not None and moved:
        _save_shared(name, kept, codec, seconds, base, changes)
    return kept.value


def recompute(key: tuple[Any, ...], refresh: Refresh, codec: Codec) -> Any:
    """Count every school now and keep the result (the job that keeps the current periods)."""
    seconds = current_app.config.get("DASHBOARD_CACHE_SECONDS", 0)
    mark = freshness.mark()
    kept = _Kept(mark, time.time(), refresh(None, None))
    if seconds:
        with _local_lock:
            _local[(str(db.engine.url), _name(key))] = kept
        _save_shared(_name(key), kept, codec, seconds)
    return kept.value


def remembered(
    key: tuple[Any, ...],
    compute: Callable[[], Any],
    schools: Collection[int] | None = None,
    reads: Collection[str] | None = None,
) -> Any:
    """`compute()`, kept in this process until a record of `reads` (any kind when None) changes
    at one of `schools` (any school when None)."""

    def refresh(old: Any, changes: freshness.Changes) -> Any:
        if old is None or changes is None:
            return compute()
        touched = freshness.schools_reading(changes, reads)
        if touched if schools is None else touched & set(schools):
            return compute()
        return old

    return keep(key, refresh)

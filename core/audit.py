"""The audit log: every create, update and state change, with the changed fields (old → new)."""

from __future__ import annotations

import decimal
import enum
from datetime import date, datetime
from typing import Any

from flask_login import current_user
from sqlalchemy import inspect, select
from sqlalchemy.orm import InstanceState

from .extensions import db
from .models import AuditEntry, School, User
from .permissions import school_scope

_PLAIN = (str, int, bool, float, type(None))


def _jsonable(value: Any) -> Any:
    if type(value) in _PLAIN:  # most values, as fast as possible: an import audits 100,000s
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, db.Model):
        return str(value)
    return value


def pending_changes(obj: Any, *, include: set[str] | None = None) -> dict[str, list[Any]]:
    """Column changes made to `obj` since it was loaded, as {field: [old, new]}.

    Call before flushing. For a new object every set column is reported with old = None.
    """
    state: InstanceState[Any] = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in {"id", "password_hash", "token_hash", "created_at"}:
            continue
        if include is not None and key not in include:
            continue
        hist = state.attrs[key].history
        if not hist.has_changes():
            continue
        old = hist.deleted[0] if hist.deleted else None
        new = hist.added[0] if hist.added else None
        if state.pending or state.transient:
            old = None
        if _jsonable(old) == _jsonable(new):
            continue
        changes[key] = [_jsonable(old), _jsonable(new)]
    return changes


def _actor(by: User | None) -> User | None:
    if by is not None:
        return by
    if current_user and getattr(current_user, "is_authenticated", False):
        return current_user._get_current_object()  # type: ignore[attr-defined]
    return None


def record(
    action: str,
    obj: Any,
    *,
    by: User | None = None,
    changes: dict[str, Any] | None = None,
    school_id: int | None = None,
    note: str = "",
    label: str | None = None,
) -> AuditEntry:
    """Write one audit entry for `obj`. Services call this after changing and before flushing."""
    actor = _actor(by)
    if hasattr(obj, "_get_current_object"):  # current_user: audit the user, not the proxy
        obj = obj._get_current_object()
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.add(obj)
        db.session.flush()
    if school_id is None and obj is not None:
        school_id = getattr(obj, "school_id", None)
        if school_id is None and isinstance(obj, School):
            school_id = obj.id
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_name=(actor.username if actor else "system"),
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.id) if obj is not None else None,
        object_label=(label if label is not None else str(obj) if obj is not None else "")[:200],
        school_id=school_id,
        changes={k: [_jsonable(v) for v in pair] for k, pair in (changes or {}).items()},
        note=note[:500],
    )
    db.session.add(entry)
    return entry


def entry_values(
    action: str,
    obj: Any,
    *,
    by: User | None,
    changes: dict[str, Any],
    school_id: int | None = None,
    note: str = "",
) -> dict[str, Any]:
    """The columns of the entry `record` would add for `obj` (already flushed), for writing
    many at once (an import's thousands) with one executemany instead of an object each."""
    actor = _actor(by)
    if school_id is None:
        school_id = getattr(obj, "school_id", None)
    return {
        "actor_id": actor.id if actor else None,
        "actor_name": actor.username if actor else "system",
        "action": action,
        "object_type": type(obj).__name__,
        "object_id": str(obj.id),
        "object_label": str(obj)[:200],
        "school_id": school_id,
        "changes": {k: [_jsonable(v) for v in pair] for k, pair in changes.items()},
        "note": note[:500],
    }


def row_entry(
    action: str,
    object_type: str,
    object_id: int,
    label: str,
    *,
    by: User | None,
    school_id: int | None,
    values: dict[str, Any],
    note: str = "",
) -> dict[str, Any]:
    """The columns of the entry of a record created as a plain row (no object to read): every
    value set, as a creation's entry lists them."""
    actor = _actor(by)
    return {
        "actor_id": actor.id if actor else None,
        "actor_name": actor.username if actor else "system",
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "object_label": label[:200],
        "school_id": school_id,
        "changes": {
            k: [None, _jsonable(v)] for k, v in values.items() if v is not None and v != ""
        },
        "note": note[:500],
    }


def record_changes(action: str, obj: Any, *, by: User | None = None, note: str = "") -> dict:
    """Audit the pending column changes of `obj` (nothing is written when nothing changed)."""
    changes = pending_changes(obj)
    if changes:
        record(action, obj, by=by, changes=changes, note=note)
    db.session.flush()
    return changes


def visible_entries(user: User):  # type: ignore[no-untyped-def]
    """The audit entries `user` may browse, newest first: admin and city bureau all, a county
    bureau its county's schools, school HR their school's."""
    return (
        select(AuditEntry)
        .where(school_scope(user, AuditEntry.school_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    )

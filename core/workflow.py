"""Transition tables: one per workflow, naming for each (state, action) the next state, who may
take the step, and whether it needs a reason; and who is told of each step (the hand-over).
Services ask `Workflow.check` before they change anything and `Workflow.announce` after; the
table, not a chain of `if`s, decides."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from .errors import Conflict, PermissionDenied, ValidationFailed
from .extensions import db
from .handover import Notices, announce
from .models import User


@dataclass(frozen=True)
class Step:
    to: str
    allowed: Callable[[User, Any], bool]
    needs_reason: bool = False


class Workflow:
    def __init__(
        self,
        table: Mapping[tuple[str, str], Step],
        states: Mapping[str, Any],
        actions: Mapping[str, Any],
        notices: Notices | None = None,
    ) -> None:
        self.table = table
        self.states = states  # state → label, for messages
        self.actions = actions  # action → label
        self.notices = notices or {}  # action → who is told, and how

    def allowed_actions(self, record: Any, user: User) -> list[str]:
        return [
            a
            for (s, a), step in self.table.items()
            if s == record.status and step.allowed(user, record)
        ]

    def check(self, record: Any, action: str, by: User, reason: str = "") -> Step:
        """The step `by` may take now, or a 409 naming the current state, a 403, or a 400.

        The record is read again under a row lock first: of two people deciding it at the same
        moment, the second waits for the first, then sees its new state and is told so."""
        lock(record)
        step = self.table.get((str(record.status), action))
        if step is None:
            raise Conflict(
                _("This record is now “%(status)s”: “%(action)s” is not possible.",
                  status=self.states.get(record.status, record.status),
                  action=self.actions.get(action, action)),
                status=str(record.status), code="invalid_transition",
            )  # fmt: skip
        if not step.allowed(by, record):
            raise PermissionDenied(
                _("You may not do “%(action)s” here.", action=self.actions.get(action, action))
            )
        if step.needs_reason and not (reason or "").strip():
            raise ValidationFailed({"reason": _("Give a reason.")})
        return step

    def announce(self, record: Any, action: str, by: User | None) -> int:
        """Tell whoever acts next (and the record's owner) that `action` was taken."""
        return announce(self.notices, record, action, by)


def lock(record: Any) -> None:
    """Re-read `record` under a row lock until the transaction ends (SELECT … FOR UPDATE on
    PostgreSQL). SQLite takes its single write lock when a writing request begins, so a second
    writer already waits for the first and reads its result."""
    if db.engine.dialect.name == "postgresql":
        db.session.flush()  # changes made to it in this transaction are kept, not reloaded
        db.session.refresh(record, with_for_update=True)

"""Workflows: one table per stateful record, one `transition` for every state change.

A table names, for each (state, action), the step: the next state, who may take it (a question
on the record, as `placement.can_approve(user)`; `SYSTEM` for jobs and signal handlers, which act
with no user), whether it needs a reason, an optional guard (the rule that may still refuse it)
and an optional effect (the fields the step sets besides the state). `Workflow.transition` is the
only way a state changes:

    check (the table, the person, the reason) → lock (re-read FOR UPDATE) → guard → effect →
    the new state → audit (every field the step changed) → notify whoever acts next → then (a
    signal to the packages that react)

so a page, the API, a job and a signal handler take a step the same way, with no chain of
`if action == …` around it. A refusal is raised before anything changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from . import audit
from .errors import Conflict, PermissionDenied, ValidationFailed
from .extensions import db
from .handover import Notices, announce
from .models import User

# guard(record, by, reason, **data): raises a refusal, changes nothing.
Guard = Callable[..., None]
# effect(record, by, reason, **data): sets the step's fields; may return the state to go to
# instead of the table's (a choice the step makes from the record, as a second approval).
Effect = Callable[..., str | None]


def SYSTEM(by: User | None, _record: Any) -> bool:  # noqa: N802  (reads as a constant)
    """A step only the application itself takes (a job, a signal handler), with no user."""
    return by is None


@dataclass(frozen=True)
class Step:
    to: str
    allowed: Callable[[User | None, Any], bool]
    needs_reason: bool = False
    guard: Guard | None = None
    effect: Effect | None = None
    audit_as: str = ""  # the audit log's name for the step, when not the action's
    # Why `by` may not take it, in words fitting their case (else the general refusal).
    denied: Callable[[User | None, Any], str | None] | None = None
    # What follows once the state has changed: a signal other packages react to.
    then: Callable[[Any, User | None], None] | None = None


@dataclass
class Workflow:
    table: Mapping[tuple[str, str], Step]
    states: Mapping[str, Any]  # state → label, for messages
    actions: Mapping[str, Any]  # action → label
    notices: Notices = field(default_factory=dict)  # action → who is told, and how
    # What the audit entry says of the record beside its changes (label, school_id).
    describe: Callable[[Any], dict[str, Any]] = field(default=lambda _record: {})

    def allowed_actions(self, record: Any, user: User | None) -> list[str]:
        return [
            a
            for (s, a), step in self.table.items()
            if s == record.status and step.allowed(user, record)
        ]

    def check(self, record: Any, action: str, by: User | None, reason: str = "") -> Step:
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
                (step.denied and step.denied(by, record))
                or _("You may not do “%(action)s” here.", action=self.actions.get(action, action))
            )
        if step.needs_reason and not (reason or "").strip():
            raise ValidationFailed({"reason": _("Give a reason.")})
        return step

    def transition(
        self, record: Any, action: str, by: User | None, reason: str = "", **data: Any
    ) -> Any:
        """Take `action` on `record` as `by` (None: the application): check → lock → guard →
        effect → state → audit → notify. Returns the record."""
        step = self.check(record, action, by, reason)
        reason = (reason or "").strip()
        if step.guard is not None:
            step.guard(record, by, reason, **data)
        before = str(record.status)
        target = step.to
        if step.effect is not None:
            target = step.effect(record, by, reason, **data) or step.to
        record.status = target
        changes = audit.pending_changes(record)
        changes["status"] = [before, str(target)]
        audit.record(
            step.audit_as or action, record, by=by, changes=changes, note=reason,
            **self.describe(record),
        )  # fmt: skip
        self.announce(record, action, by)
        db.session.flush()
        if step.then is not None:
            step.then(record, by)
        return record

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

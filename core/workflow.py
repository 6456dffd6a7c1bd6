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

A state that waits for someone declares a `Wait` beside the steps they take: whose 待办 it is
in (as a query, so the inbox counts without reading every record), the words naming who acts
next (the badge, the notice), and where the list of them is. The tests walk every waiting state
of every workflow and check the 待办 against the steps' own `allowed`: a record is in the 待办 of
exactly the people who may take its next step, and nobody else's.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import and_, false, func, null, or_, select, true

from . import audit
from .errors import NotInState, PermissionDenied, ValidationFailed
from .extensions import db
from .handover import Notices, announce
from .models import User
from .nav import InboxItem

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


@dataclass(frozen=True)
class Wait:
    """A state (or part of one, `when`) waiting for someone to take one of `steps`."""

    state: str
    steps: tuple[str, ...]
    label: Any  # the 待办 line: "Enterprise practice to review"
    actor: Any  # who acts next, in words, for the badge: "Waiting for the bureau"
    # The records of the state that wait for `user`, as a SQL condition; None: none of them.
    who: Callable[[User], Any]
    link: str  # the list of them
    # The same people for one record, as user ids: whom the step into the state tells.
    people: Callable[[Any], Iterable[int]] = lambda _record: ()
    # When the next step is not one of the table's (the mentor's link a teacher sends): who
    # may take it, the question `Step.allowed` answers for the table's steps.
    may: Callable[[User, Any], bool] | None = None
    # Within the state, the records this wait is about (a placement the mentor confirmed):
    # a SQL condition and the same question of one record.
    when: Callable[[], Any] | None = None
    applies: Callable[[Any], bool] | None = None
    since: Callable[[], Any] | None = None  # the column dating the wait: the oldest is shown


@dataclass
class Workflow:
    table: Mapping[tuple[str, str], Step]
    states: Mapping[str, Any]  # state → label, for messages
    actions: Mapping[str, Any]  # action → label
    notices: Notices = field(default_factory=dict)  # action → who is told, and how
    # What the audit entry says of the record beside its changes (label, school_id).
    describe: Callable[[Any], dict[str, Any]] = field(default=lambda _record: {})
    model: Any = None  # the record's class, for the 待办's queries
    waits: tuple[Wait, ...] = ()

    def waiting(self, record: Any) -> Wait | None:
        """What `record` waits for now (None: a final state, or nobody's step)."""
        return next(
            (w for w in self.waits
             if w.state == record.status and (w.applies is None or w.applies(record))),
            None,
        )  # fmt: skip

    def next_people(self, record: Any) -> list[int]:
        """Who takes the record's next step (user ids): the people a hand-over tells."""
        wait = self.waiting(record)
        return list(wait.people(record)) if wait is not None else []

    def status_label(self, record: Any) -> Any:
        """The record's state as people read it: who acts next while it waits."""
        wait = self.waiting(record)
        return wait.actor if wait is not None else self.states.get(record.status, record.status)

    def waiting_for(self, user: User) -> Any:
        """The records waiting for `user`, as a condition (a list's "waiting for me" filter)."""
        mine = []
        for wait in self.waits:
            who = wait.who(user)
            if who is not None:
                mine.append(and_(self.model.status == wait.state, who,
                                 wait.when() if wait.when is not None else true()))  # fmt: skip
        return or_(*mine) if mine else false()

    def inbox(self, user: User) -> list[InboxItem]:
        """The 待办 lines of `user`: one per wait with records waiting for them."""
        items = []
        for wait in self.waits:
            mine = wait.who(user)
            if mine is None:
                continue
            since = func.min(wait.since()) if wait.since is not None else null()
            query = select(func.count(self.model.id), since).where(
                self.model.status == wait.state, mine
            )
            if wait.when is not None:
                query = query.where(wait.when())
            count, oldest = db.session.execute(query).one()
            items.append(InboxItem(wait.label, count, wait.link, oldest))
        return items

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
            raise NotInState(
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
        _refuse_what_the_step_does_not_take(step, data)
        reason = (reason or "").strip()
        if step.guard is not None:
            step.guard(record, by, reason, **data)
        before = str(record.status)
        target = step.to
        if step.effect is not None:
            target = step.effect(record, by, reason, **data) or step.to
        record.status = target
        changes = audit.pending_changes(record)
        if before != str(target):  # a step within a state (a confirmation) lists what it set
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


def _refuse_what_the_step_does_not_take(step: Step, data: Mapping[str, Any]) -> None:
    """A field given with a step that neither its guard nor its effect reads (a last day with an
    approval) is refused by name, rather than ignored or failing inside the step; a caller that
    passes every field of its form, blank where unused, is not refused for the blanks."""
    taken = _taken(step)
    if taken is None:
        return
    given = {name for name, value in data.items() if value not in (None, "")}
    extra = sorted(given - taken)
    if extra:
        raise ValidationFailed({name: _("This step does not take this field.") for name in extra})


@functools.cache
def _taken(step: Step) -> frozenset[str] | None:
    """The names a step's guard and effect read (None: any, through **data); read once a step."""
    taken: set[str] = set()
    for fn in (step.guard, step.effect):
        if fn is None:
            continue
        parameters = inspect.signature(fn).parameters.values()
        if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
            return None
        taken |= {p.name for p in parameters if p.kind is not inspect.Parameter.VAR_POSITIONAL}
    return frozenset(taken)


BY_MODEL: dict[Any, Workflow] = {}  # each record class's workflow (those that name theirs)


def register(*workflows: Workflow) -> None:
    """Make the workflows of a package known by their record class (its `init_app` calls this):
    how a record's state reads where only the record is at hand (`status_label`)."""
    for workflow in workflows:
        assert workflow.model is not None, "a registered workflow names its record class"
        BY_MODEL[workflow.model] = workflow


def status_label(record: Any) -> Any:
    """The record's state as people read it (a template global): who acts next while it waits,
    else its state's label."""
    workflow = BY_MODEL.get(type(record))
    if workflow is None:
        return record.status
    return workflow.status_label(record)


def lock(record: Any) -> None:
    """Re-read `record` under a row lock until the transaction ends (SELECT … FOR UPDATE on
    PostgreSQL). SQLite takes its single write lock when a writing request begins, so a second
    writer already waits for the first and reads its result."""
    if db.engine.dialect.name == "postgresql":
        db.session.flush()  # changes made to it in this transaction are kept, not reloaded
        db.session.refresh(record, with_for_update=True)

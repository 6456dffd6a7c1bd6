"""Deciding many records at once: each is still checked, changed, audited and its people told one
by one, in a savepoint of its own, so a refusal of one undoes only that one and the others go
through. The outcome names each record and, for a refusal, why."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from marshmallow import fields, validate
from werkzeug.exceptions import Forbidden

from .db import contained
from .errors import NotInState, ServiceError
from .schemas import ApiSchema, Id

MAX_AT_ONCE = 200


@dataclass(frozen=True)
class Outcome:
    record: Any
    done: bool
    reason: str = ""
    # Not refused by a rule: the record had already left the state the step starts from
    # (decided meanwhile, or chosen by mistake) and was passed over.
    skipped: bool = False


def decide_each(records: Iterable[Any], step: Callable[[Any], Any]) -> list[Outcome]:
    outcomes = []
    for record in records:
        try:
            with contained():
                step(record)
        except ServiceError as err:
            outcomes.append(
                Outcome(record, False, err.message, skipped=isinstance(err, NotInState))
            )
        except Forbidden:
            outcomes.append(Outcome(record, False, _("You may not decide this record.")))
        else:
            outcomes.append(Outcome(record, True))
    return outcomes


def parse_ids(values: Iterable[str]) -> list[int]:
    """The chosen record ids (at most MAX_AT_ONCE); anything not a whole number is dropped."""
    ids = []
    for value in values:
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        if 0 < number < 2**31 and number not in ids:
            ids.append(number)
    return ids[:MAX_AT_ONCE]


class BulkIn(ApiSchema):
    ids = fields.List(
        Id(),
        required=True,
        validate=validate.Length(min=1, max=MAX_AT_ONCE),
        metadata={"description": f"The records to decide, at most {MAX_AT_ONCE}"},
    )


class RefusalOut(ApiSchema):
    id = fields.Integer(required=True)
    reason = fields.String(required=True)


class OutcomesOut(ApiSchema):
    done = fields.List(fields.Integer(), required=True)
    refused = fields.List(fields.Nested(RefusalOut), required=True)


def outcomes_json(outcomes: list[Outcome]) -> dict[str, Any]:
    return {
        "done": [o.record.id for o in outcomes if o.done],
        "refused": [{"id": o.record.id, "reason": o.reason} for o in outcomes if not o.done],
    }


def outcome_page(
    outcomes: list[Outcome],
    title: str,
    back: str,
    label: Callable[[Any], str],
    link: Callable[[Any], str],
) -> str:
    """The page after a decision on many: what was done, and each refusal with its reason."""
    from flask import render_template

    return render_template(
        "core/bulk_result.html", outcomes=outcomes, title=title, back=back, label=label, link=link
    )

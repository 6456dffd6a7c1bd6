"""Rule versions: thresholds and mappings are dated data, read through `get_rule`.

Each domain package defines the rules it uses (with the defaults from shared/domain.md) when it
is initialised; an administrator adds dated versions without a release.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import g, has_app_context
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from . import audit
from .errors import ValidationFailed
from .extensions import db
from .models import RuleVersion, User
from .timeutil import today

LEVELS = {"national": _l("National"), "province": _l("Province"), "city": _l("City")}


@dataclass(frozen=True)
class RuleDefinition:
    key: str
    default: Any
    kind: str  # "int" | "decimal" | "json"
    label: Any
    unconfirmed: bool = False
    level: str = "national"
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    # How a value reads to people, as lines (a structured rule has several); plain numbers
    # need none.
    describe: Callable[[Any], list[str]] | None = None
    # A structured rule's own check of a new value: raises ValueError with the reason.
    check: Callable[[Any], None] | None = None

    def lines(self, value: Any) -> list[str]:
        if self.describe is not None:
            try:
                return [str(line) for line in self.describe(value)]
            except (KeyError, TypeError, ValueError, AttributeError):
                return [str(_l("A value this version of Shuangshi cannot read"))]
        return [str(value)]


REGISTRY: dict[str, RuleDefinition] = {}


def define(
    key: str,
    default: Any,
    kind: str,
    label: Any,
    *,
    unconfirmed: bool = False,
    level: str = "national",
    minimum: float | None = None,
    maximum: float | None = None,
    describe: Callable[[Any], list[str]] | None = None,
    check: Callable[[Any], None] | None = None,
) -> RuleDefinition:
    rule = RuleDefinition(
        key,
        default,
        kind,
        label,
        unconfirmed,
        level,
        Decimal(str(minimum)) if minimum is not None else None,
        Decimal(str(maximum)) if maximum is not None else None,
        describe,
        check,
    )
    REGISTRY[key] = rule
    return rule


def _typed(rule: RuleDefinition, raw: Any) -> Any:
    if rule.kind == "int":
        return int(raw)
    if rule.kind == "decimal":
        return Decimal(str(raw))  # never a float: floor(0.29 × 100) must be 29
    return raw


def get_rule(key: str, on: date | None = None) -> Any:
    """The value of rule `key` in force on `on` (today by default)."""
    rule = REGISTRY[key]
    on = on or today()
    # Every version is read once for the request, job or command at hand (its app context): the
    # table is a few dozen rows, and a page reading three rules, or a job reading one for each of
    # 45 schools, asks the database once.
    if has_app_context():
        held = g.get("_rule_versions")
        if held is None:
            held = g._rule_versions = _all_versions()
    else:
        held = _all_versions()
    raw = next((value for valid_from, value in held.get(key, ()) if valid_from <= on), None)
    return _typed(rule, rule.default if raw is None else raw)


def _all_versions() -> dict[str, list[tuple[date, Any]]]:
    """{rule key: [(valid from, value)], newest first}."""
    held: dict[str, list[tuple[date, Any]]] = {}
    rows = db.session.execute(
        select(RuleVersion.key, RuleVersion.valid_from, RuleVersion.value).order_by(
            RuleVersion.key, RuleVersion.valid_from.desc()
        )
    )
    for key, valid_from, value in rows:
        held.setdefault(key, []).append((valid_from, value))
    return held


def versions(key: str) -> list[RuleVersion]:
    return list(
        db.session.scalars(
            select(RuleVersion)
            .where(RuleVersion.key == key)
            .order_by(RuleVersion.valid_from.desc())
        )
    )


def parse_value(rule: RuleDefinition, text: str) -> Any:
    """Check an administrator's input for `rule`; returns the value to store."""
    text = (text or "").strip()
    if rule.kind in {"int", "decimal"}:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationFailed({"value": str(_l("Enter a number."))}) from None
        if rule.kind == "int" and number != number.to_integral_value():
            raise ValidationFailed({"value": str(_l("Enter a whole number."))})
        if (rule.minimum is not None and number < rule.minimum) or (
            rule.maximum is not None and number > rule.maximum
        ):
            raise ValidationFailed(
                {
                    "value": str(
                        _l(
                            "Enter a value between %(low)s and %(high)s.",
                            low=rule.minimum,
                            high=rule.maximum,
                        )
                    )
                }
            )
        return int(number) if rule.kind == "int" else str(number)

    try:
        value = json.loads(text)
    except ValueError:
        raise ValidationFailed({"value": str(_l("Enter valid JSON."))}) from None
    if rule.check is not None:
        try:
            rule.check(value)
        except (ValueError, KeyError, TypeError, AttributeError) as err:
            raise ValidationFailed(
                {"value": str(err) or str(_l("A value this version of Shuangshi cannot read"))}
            ) from None
    return value


def add_version(
    key: str, text: str, valid_from: date, level: str, note: str, by: User
) -> RuleVersion:
    rule = REGISTRY[key]
    value = parse_value(rule, text)
    if level not in LEVELS:
        raise ValidationFailed({"level": str(_l("Choose a level."))})
    exists = db.session.scalar(
        select(RuleVersion.id).where(RuleVersion.key == key, RuleVersion.valid_from == valid_from)
    )
    if exists:
        raise ValidationFailed(
            {"valid_from": str(_l("A version of this rule already starts on that date."))}
        )
    previous = get_rule(key, valid_from)
    version = RuleVersion(
        key=key, value=value, valid_from=valid_from, level=level, note=note, created_by_id=by.id
    )
    db.session.add(version)
    db.session.flush()
    audit.record(
        "rule_version_added",
        version,
        by=by,
        label=key,
        changes={"value": [str(previous), str(value)], "valid_from": [None, valid_from]},
        note=note,
    )
    db.session.flush()
    if has_app_context():
        g.pop("_rule_versions", None)
    return version

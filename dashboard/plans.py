"""The city's plans (规划), one after another: each a version of the dated rule `plan_targets`,
entered by the administrator on a page (its years and a target per indicator), no release needed.
A plan that has ended keeps its figures and its final report; a year no plan covers is shown
without targets until the next plan is entered."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _

from core import rules
from core.errors import ValidationFailed
from core.models import User

from .indicators import CAP, INDICATORS, RATIO, TALLY
from .periods import Period, Plan, as_plan, plans

# A plan sets the targets of every figure but tallies and those a rule of their own sets.
TARGETED = [i for i in INDICATORS if i.kind != TALLY and i.target_rule is None]


def period_of(plan: Plan) -> Period:
    return Period(plan.name, plan.start, plan.end, True)


def shown_target(key: str, value: Decimal) -> str:
    """A target as the form shows it: a ratio in percent, a count as it is."""
    kind = next(i.kind for i in INDICATORS if i.key == key)
    return f"{value * 100:.0f}" if kind in (RATIO, CAP) else f"{int(value)}"


def add_plan(data: dict[str, Any], by: User) -> Plan:
    """Enter a plan: its first and last year and its targets (ratios in percent). It must begin
    after every plan already entered ended, so each year has at most one plan."""
    errors: dict[str, str] = {}
    try:
        first, last = int(data.get("first_year") or 0), int(data.get("last_year") or 0)
    except (TypeError, ValueError):
        first = last = 0
    if not 2000 <= first <= 2100:
        errors["first_year"] = _("Enter the plan's first year, e.g. 2026.")
    if not first <= last <= first + 10:
        errors["last_year"] = _("Enter a last year from the first year to ten years later.")
    existing = plans()
    if first and existing and date(first, 1, 1) <= existing[-1].end:
        errors["first_year"] = _(
            "The %(plan)s plan runs until %(end)s: a new plan begins after it.",
            plan=existing[-1].name.replace("-", "–"), end=existing[-1].end.isoformat(),
        )  # fmt: skip
    targets: dict[str, Any] = {}
    for indicator in TARGETED:
        text = str(data.get(indicator.key) or "").strip().rstrip("%")
        if not text:
            continue
        try:
            number = Decimal(text)
        except InvalidOperation:
            errors[indicator.key] = _("Enter a number.")
            continue
        if indicator.kind in (RATIO, CAP):
            if not 0 <= number <= 100:
                errors[indicator.key] = _("Enter a percentage from 0 to 100.")
                continue
            targets[indicator.key] = str((number / 100).quantize(Decimal("0.0001")).normalize())
        else:
            if number < 0 or number != number.to_integral_value():
                errors[indicator.key] = _("Enter a whole number from 0.")
                continue
            targets[indicator.key] = int(number)
    if not targets:
        errors.setdefault("dual_qualified_ratio", _("Give at least one target."))
    if errors:
        raise ValidationFailed(errors)
    value = {"name": f"{first}-{last}", "start": f"{first}-01-01", "end": f"{last}-12-31",
             "targets": targets}  # fmt: skip
    rules.add_version(
        "plan_targets", json.dumps(value), date(first, 1, 1), "city",
        str(data.get("note") or "").strip()[:200], by,
    )  # fmt: skip
    return as_plan(value)

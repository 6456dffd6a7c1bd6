"""The items a county is assessed on, as the dated rule `county_assessment_items`: each names
what it measures, its target and weight. The shipped items and weights are *unconfirmed*: the
plan names the areas (school building, funding, teacher recruitment, ratios, its targets), not
the points; the administrator enters the city's own as a new version.

A measure is an indicator of the boards (any key of the indicators API), one of two figures only
this assessment reads (teachers recruited in the year; the share of the county's schools within
the part-time cap), or `manual`: a figure the system does not hold, entered by the bureau with its
evidence. Scoring: proportional to the target and capped at the weight; an item measuring a cap
(the part-time share) scores full when within it and nothing above it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.rules import get_rule
from core.timeutil import today

from ..charts import percent_text
from ..indicators import BY_KEY, CAP, COUNT, TALLY
from ..periods import plan_on

RECRUITED, WITHIN_CAP, MANUAL = "teachers_recruited", "part_time_within_cap", "manual"
RATIO_UNIT, NUMBER_UNIT = "ratio", "number"
# An item measuring an indicator of the boards may take that indicator's own target (the plan's,
# or the rule it names) rather than a copy of it: one value where the plan says 90%.
PLAN_TARGET = "plan"

DEFAULT_ITEMS: list[dict[str, Any]] = [
    {"key": "dual_qualified_ratio", "measure": "dual_qualified_ratio", "target": PLAN_TARGET,
     "weight": 25},
    {"key": "competition_participation_rate", "measure": "competition_participation_rate",
     "target": PLAN_TARGET, "weight": 10},
    {"key": "digital_literacy_pass_rate", "measure": "digital_literacy_pass_rate",
     "target": PLAN_TARGET, "weight": 15},
    {"key": RECRUITED, "measure": RECRUITED, "target": 20, "weight": 10},
    {"key": WITHIN_CAP, "measure": WITHIN_CAP, "target": "1.00", "weight": 10},
    {"key": "school_building", "measure": MANUAL, "unit": RATIO_UNIT, "target": "1.00",
     "weight": 10},
    {"key": "funding", "measure": MANUAL, "unit": RATIO_UNIT, "target": "1.00", "weight": 10},
    {"key": "vocational_share", "measure": MANUAL, "unit": RATIO_UNIT, "target": "0.50",
     "weight": 10},
]  # fmt: skip

# The words of the measures that are not indicators, and of the shipped manual items.
LABELS = {
    RECRUITED: _l("Teachers recruited in the year"),
    WITHIN_CAP: _l("Schools within the part-time cap"),
    "school_building": _l("School building up to standard (办学条件达标)"),
    "funding": _l("Funding per student up to standard (生均经费)"),
    "vocational_share": _l("Vocational share of upper-secondary enrolment (职普比)"),
}
DEFINITIONS = {
    RECRUITED: _l("Teachers of the county's schools hired within the year (the roster's hire "
                  "dates), against the county's target."),
    WITHIN_CAP: _l("The county's schools whose part-time teachers stay within the cap at the "
                   "end of the year ÷ its schools."),
    MANUAL: _l("Entered by the city bureau with its evidence: a figure the system does not hold."),
}  # fmt: skip


@dataclass(frozen=True)
class Item:
    key: str
    measure: str
    target: Decimal
    weight: Decimal
    unit: str  # RATIO_UNIT (shown as a percent) or NUMBER_UNIT
    custom_label: str = ""  # a manual item the city added names itself

    @property
    def label(self) -> str:
        if self.custom_label:
            return self.custom_label
        if self.key in LABELS:
            return str(LABELS[self.key])
        if self.measure in BY_KEY:
            return str(BY_KEY[self.measure].label)
        return self.key

    @property
    def definition(self) -> str:
        if self.measure in BY_KEY:
            return str(BY_KEY[self.measure].definition)
        return str(DEFINITIONS.get(self.measure, ""))

    @property
    def is_cap(self) -> bool:
        return self.measure in BY_KEY and BY_KEY[self.measure].kind == CAP

    @property
    def manual(self) -> bool:
        return self.measure == MANUAL

    def score(self, value: Decimal | None) -> Decimal:
        """Points for `value` (None: no figure, no points)."""
        if value is None:
            return Decimal(0)
        if self.is_cap:
            return self.weight if value <= self.target else Decimal(0)
        if self.target <= 0:
            return self.weight
        share = min(Decimal(1), Decimal(value) / self.target)
        return (self.weight * share).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    def as_json(self) -> dict[str, Any]:
        data = {"key": self.key, "measure": self.measure, "target": str(self.target),
                "weight": str(self.weight), "unit": self.unit}  # fmt: skip
        if self.custom_label:
            data["label"] = self.custom_label
        return data


def _unit(measure: str, raw: dict[str, Any]) -> str:
    if measure == MANUAL:
        return RATIO_UNIT if raw.get("unit", RATIO_UNIT) == RATIO_UNIT else NUMBER_UNIT
    if measure == RECRUITED:
        return NUMBER_UNIT
    if measure in BY_KEY and BY_KEY[measure].kind in (COUNT, TALLY):
        return NUMBER_UNIT
    return RATIO_UNIT


class NoPlanTarget(ValueError):
    """An item asked for the plan's target of something that has none."""


def indicator_target(measure: str, on: date) -> Decimal | None:
    """The target the boards measure indicator `measure` against on `on`: its rule's, or the
    plan's (None: it has none)."""
    indicator = BY_KEY.get(measure)
    if indicator is None:
        return None
    if indicator.target_rule is not None:
        return Decimal(str(get_rule(indicator.target_rule, on)))
    return plan_on(on).targets.get(measure)


def as_item(raw: dict[str, Any], on: date | None = None) -> Item:
    measure = str(raw["measure"])
    if measure not in BY_KEY and measure not in (RECRUITED, WITHIN_CAP, MANUAL):
        raise ValueError(measure)
    target = raw["target"]
    if str(target) == PLAN_TARGET:
        target = indicator_target(measure, on or today())
        if target is None:
            raise NoPlanTarget(measure)
    return Item(
        key=str(raw["key"]),
        measure=measure,
        target=Decimal(str(target)),
        weight=Decimal(str(raw["weight"])),
        unit=_unit(measure, raw),
        custom_label=str(raw.get("label", "")),
    )


def as_items(raw: list[dict[str, Any]], on: date | None = None) -> list[Item]:
    """The items of a version of the rule, the plan's targets read as of `on` (today)."""
    items = [as_item(r, on) for r in raw]
    if len({i.key for i in items}) != len(items):
        raise ValueError("duplicate keys")
    return items


def shown(item: Item, value: Decimal | int | None) -> str:
    """A value in the item's unit, as people read it: 87.5% or 12."""
    if value is None:
        return "—"
    if item.unit == RATIO_UNIT:
        return percent_text(value)
    number = Decimal(value)
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def plain(number: Decimal) -> str:
    """A weight as written: 25, 7.5 (never 1E+1)."""
    return f"{Decimal(number).normalize():f}"


def describe(raw: list[dict[str, Any]]) -> list[str]:
    """The rule as people read it: a line per item, then the weights' sum."""
    items = as_items(raw)
    from_plan = {str(r.get("key")) for r in raw if str(r.get("target")) == PLAN_TARGET}
    plans = _(" (the plan's)")  # its own space: none before a Chinese bracket
    lines = [
        _("%(item)s: target %(target)s, weight %(weight)s",
          item=i.label, weight=plain(i.weight),
          target=("≤ " if i.is_cap else "") + shown(i, i.target)
          + (plans if i.key in from_plan else ""))
        for i in items
    ]  # fmt: skip
    total = sum((i.weight for i in items), Decimal(0))
    lines.append(_("Weights in all: %(total)s", total=plain(total)))
    return lines


def check(raw: Any) -> None:
    """A new version of the items, refused with the reason before it is stored."""
    if not isinstance(raw, list) or not raw:
        raise ValueError(_("Enter a list of items."))
    keys = set()
    for n, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict) or not {"key", "measure", "target", "weight"} <= set(entry):
            raise ValueError(_("Item %(n)s: give its key, measure, target and weight.", n=n))
        try:
            item = as_item(entry)
        except NoPlanTarget:
            raise ValueError(_("Item %(n)s: %(measure)s has no target in the plan to take.",
                               n=n, measure=entry.get("measure"))) from None  # fmt: skip
        except ValueError:
            raise ValueError(_("Item %(n)s: %(measure)s is not a measure Shuangshi knows.",
                               n=n, measure=entry.get("measure"))) from None  # fmt: skip
        except ArithmeticError:
            raise ValueError(_("Item %(n)s: the target and weight are numbers.", n=n)) from None
        if item.key in keys:
            raise ValueError(_("Item %(n)s: the key %(key)s is used twice.", n=n, key=item.key))
        keys.add(item.key)
        if item.weight <= 0 or item.target < 0:
            raise ValueError(_("Item %(n)s: the weight is above 0 and the target at least 0.",
                               n=n))  # fmt: skip
        if item.manual and item.key not in LABELS and not item.custom_label:
            raise ValueError(_("Item %(n)s: a new manual item names itself (label).", n=n))

"""Periods a figure is counted over (the plan's years, or a calendar year) and the plan whose
targets it is measured against.

Targets are the dated rule `plan_targets`: each version is one plan (its name, first and last day,
and a target per indicator), valid from the plan's first day. The city enters its next plan
(2026–2028, say) as a new version; no release is needed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from core.rules import get_rule, versions
from core.timeutil import today

# The shipped plan: Wenzhou's three-year plan for vocational education (主要目标, 十四).
DEFAULT_PLAN: dict[str, Any] = {
    "name": "2023-2025",
    "start": "2023-01-01",
    "end": "2025-12-31",
    "targets": {
        "dual_qualified_ratio": "0.90",
        "dual_qualified_teachers": 5000,
        "enterprise_practice_person_times": 10000,
        "competition_participation_rate": "0.40",
        "innovation_teams": 50,
        "overseas_study_teachers": 100,
        # The part-time cap (30%) is not a plan target: it is the rule `part_time_cap_ratio`,
        # which the appointments enforce and the boards read (`Indicator.target_rule`).
    },
}


@dataclass(frozen=True)
class Plan:
    name: str
    start: date
    end: date
    targets: dict[str, Decimal]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return _("the %(name)s plan", name=self.name.replace("-", "–"))


def plan_on(day: date) -> Plan:
    return as_plan(get_rule("plan_targets", day))


def as_plan(raw: dict[str, Any]) -> Plan:
    return Plan(
        name=str(raw["name"]),
        start=date.fromisoformat(raw["start"]),
        end=date.fromisoformat(raw["end"]),
        targets={k: Decimal(str(v)) for k, v in raw.get("targets", {}).items()},
    )


@dataclass(frozen=True)
class Period:
    key: str  # "2023-2025" (a plan) or "2026" (a calendar year)
    start: date
    end: date
    is_plan: bool

    @property
    def at(self) -> date:
        """The day a figure "at the end" is taken: the last day, or today if that is earlier."""
        return min(self.end, today())

    @property
    def finished(self) -> bool:
        return self.end < today()

    @property
    def elapsed(self) -> Decimal:
        """The share of the period gone by today (1 once it is over)."""
        if self.finished:
            return Decimal(1)
        days = (self.end - self.start).days + 1
        gone = max(0, (today() - self.start).days + 1)
        return (Decimal(gone) / days).quantize(Decimal("0.0001"))

    @property
    def years(self) -> list[int]:
        return list(range(self.start.year, self.at.year + 1))

    @property
    def label(self) -> str:
        if self.is_plan:
            return _("Plan %(years)s", years=self.key.replace("-", "–"))
        return _("Year %(year)s", year=self.key)

    def plan(self) -> Plan:
        """The plan whose version is in force on the period's first day (it may have ended:
        see `plan_in_force`)."""
        return plan_on(self.start)

    def plan_in_force(self) -> Plan | None:
        """The plan the period is measured against: one that covers the whole period. A year
        after the last plan ended has none until the next plan is entered."""
        plan = self.plan()
        return plan if plan.start <= self.start and self.end <= plan.end else None

    @property
    def measured_against(self) -> str:
        """What the board says it compares with: the plan, or that no plan covers the period."""
        plan = self.plan_in_force()
        if plan is not None:
            return plan.label
        last = self.plan()
        return _("no plan in force for %(period)s (the last was %(plan)s)",
                 period=self.key, plan=last.name.replace("-", "–"))  # fmt: skip


PERIOD_PATTERN = re.compile(r"^(\d{4})(?:-(\d{4}))?$")


def parse_period(text: str | None) -> Period | None:
    """`2023-2025` (a plan entered as a rule version) or `2026`; the current year when empty;
    None when the text is not a period we know."""
    text = (text or "").strip() or str(today().year)
    match = PERIOD_PATTERN.match(text)
    if not match:
        return None
    first = int(match.group(1))
    if not 2000 <= first <= 2100:
        return None
    if match.group(2) is None:
        return Period(text, date(first, 1, 1), date(first, 12, 31), False)
    plan = plan_on(date(first, 1, 1))
    if plan.name != text:
        return None
    return Period(text, plan.start, plan.end, True)


def plans() -> list[Plan]:
    """Every plan, the shipped one and those entered since (rule versions), in order."""
    entered = [as_plan(v.value) for v in versions("plan_targets")]
    found = {p.name: p for p in [as_plan(DEFAULT_PLAN), *entered]}
    return sorted(found.values(), key=lambda p: p.start)


def choices() -> list[Period]:
    """What the page offers: every plan begun by now (the latest first), and each year since the
    latest began."""
    begun = [p for p in plans() if p.start <= today()] or [plan_on(today())]
    periods = [Period(p.name, p.start, p.end, True) for p in reversed(begun)]
    plan = begun[-1]
    for year in range(today().year, plan.start.year - 1, -1):
        periods.append(Period(str(year), date(year, 1, 1), date(year, 12, 31), False))
    return periods

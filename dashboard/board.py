"""One dashboard (a scope and a period), as the page, the API, the PDF and Excel all show it: the
figures of the scope, and the same figures for each county or school below it. Built once from
one `Results`, so the four can never disagree."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import Forbidden

from core.errors import ValidationFailed
from core.models import User

from . import scopes
from .charts import percent_text
from .indicators import BEHIND, CAP, KEYS, MET, ON_TRACK, RATIO, Figure, Results, schools
from .periods import Period, parse_period

# The plan's headline figures: the home page's panel, and the columns a phone shows first.
HEADLINE = ("dual_qualified_ratio", "competition_participation_rate", "part_time_ratio")
STATUS_LABELS = {MET: _l("Met"), ON_TRACK: _l("On track"), BEHIND: _l("Behind")}
# A plan that has ended is judged, not followed: what is behind then was not met (未达标).
ENDED_LABELS = {**STATUS_LABELS, BEHIND: _l("Not met by the plan's end")}
STATUS_CLASSES = {MET: "ok", ON_TRACK: "warn", BEHIND: "bad"}


@dataclass
class Board:
    scope: scopes.Scope
    period: Period
    figures: dict[str, Figure]
    children: list[tuple[scopes.Scope, dict[str, Figure]]]
    parent: scopes.Scope | None
    # The city's schools one by one: the final report of a plan that has ended assesses each.
    schools: list[tuple[scopes.Scope, dict[str, Figure]]] = field(default_factory=list)

    def status(self, figure: Figure) -> str | None:
        return figure.status(self.period)

    @property
    def status_labels(self) -> dict[str, Any]:
        """The words of a status on this board: every page, PDF, Excel and API answer of it."""
        return ENDED_LABELS if self.period.finished else STATUS_LABELS

    def laggards(self, key: str) -> int:
        """How many of the counties or schools below are behind on `key`."""
        return sum(1 for _s, figs in self.children if figs[key].status(self.period) == BEHIND)


def build(
    user: User, scope_text: str | None, period_text: str | None, *, each_school: bool = False
) -> Board:
    """The board a user asked for; ValidationFailed names an unknown scope or period, and a
    scope beyond the user's reach is forbidden. `each_school`: the final report of a plan that
    has ended also assesses every school of the city (the page does not show them: at a
    province's size they cost half a second to sum)."""
    rows = schools()
    scope = scopes.find(scope_text, user, rows)
    period = parse_period(period_text)
    errors = {}
    if scope is None:
        errors["scope"] = _("No such county or school.")
    if period is None:
        errors["period"] = _("Choose a plan (e.g. 2023-2025) or a year (e.g. 2026).")
    if errors:
        raise ValidationFailed(errors)
    assert scope is not None and period is not None
    if not scopes.may_see(user, scope, rows):
        raise Forbidden()
    results = Results(period)
    below = scopes.children(scope, rows)
    children = list(zip(below, results.figures_of([c.school_ids for c in below]), strict=True))
    parent = None
    if scope.kind == "school" and scopes.may_see(
        user, _county(scope.county_code, user, rows), rows
    ):
        parent = _county(scope.county_code, user, rows)
    elif scope.kind == "county" and scopes.may_see(user, _city(user, rows), rows):
        parent = _city(user, rows)
    whole = scope.kind == "city"
    schools_below = []
    if each_school and whole and period.is_plan and period.finished:
        each = [school for county, _f in children for school in scopes.children(county, rows)]
        schools_below = list(
            zip(each, results.figures_of([s.school_ids for s in each]), strict=True)
        )
    return Board(
        scope, period, results.figures(None if whole else scope.school_ids), children, parent,
        schools_below,
    )  # fmt: skip


def _county(code: str, user: User, rows: list[Any]) -> scopes.Scope:
    return scopes.find(f"county:{code}", user, rows)  # type: ignore[return-value]


def _city(user: User, rows: list[Any]) -> scopes.Scope:
    return scopes.find("city", user, rows)  # type: ignore[return-value]


def shown(figure: Figure, value: Decimal | int | None = None) -> str:
    """A figure as people read it: 87.3% for a ratio, 1,234 for a count."""
    value = figure.value if value is None else value
    if figure.indicator.kind in (RATIO, CAP):
        return percent_text(value)
    return f"{int(value):,}"


def as_json(board: Board) -> dict[str, Any]:
    """The API's answer (and what a test compares with the page, the PDF and Excel)."""
    out: dict[str, Any] = {}
    for key in KEYS:
        f = board.figures[key]
        status = board.status(f)
        ratio = f.indicator.kind in (RATIO, CAP)
        out[key] = {
            "label": str(f.indicator.label),
            "value": float(f.value) if ratio else int(f.value),
            "target": (None if f.target is None else float(f.target) if ratio else int(f.target)),
            "numerator": f.numerator,
            "denominator": f.denominator,
            "status": status,
            "status_label": str(board.status_labels[status]) if status else None,
            "rule_version": f"plan_targets {f.plan.name}" if f.plan else None,
            "definition": str(f.indicator.definition),
        }
    return {
        "scope": board.scope.key,
        "scope_name": board.scope.name,
        "period": board.period.key,
        "plan": plan.name if (plan := board.period.plan_in_force()) else None,
        "indicators": out,
    }

"""The plan's indicators, defined once: what each counts, over which period, against which target.

Every indicator is computed per school for the whole city in one query (a handful in all), then
added up for a county or the city: each school's teachers and students belong to that school, so
the sums of numerators and denominators are exactly the county's and the city's. A page costs
the same number of queries whatever the scope and however large the city.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property, partial
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competitions import stats as competition_stats
from core.db import in_parallel, serial_statements
from core.extensions import db
from core.models import County, School
from core.rules import get_rule
from placements import stats as placement_stats
from recognition import stats as recognition_stats
from recognition.models import Kind
from teachers.appointments.capacity import cap_for, places_in_use
from teachers.literacy import stats as literacy_stats
from teachers.teams import stats as team_stats

from . import freshness, kept
from .periods import Period, Plan

RATIO, COUNT, CAP, TALLY = "ratio", "count", "cap", "tally"
MET, ON_TRACK, BEHIND = "met", "on_track", "behind"
# Per school: {school_id: (numerator, denominator)}; the denominator is None for counts.
PerSchool = dict[int, tuple[int, int | None]]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: Any
    kind: str  # RATIO (≥ target), COUNT (≥ target), CAP (≤ target), TALLY (no target)
    definition: Any  # the "how is this counted?" note on the page
    compute: Callable[[Period, Collection[int] | None], PerSchool]  # of these schools, or all
    # The kinds of record (as audited) it counts: a change of another kind leaves it as it is.
    reads: frozenset[str]
    numerator_label: Any = ""
    denominator_label: Any = ""
    # Where the plan sets no target: the dated rule that does (the digital-literacy pass rate).
    target_rule: str | None = None


Schools = Collection[int] | None


def _dual_ratio(period: Period, schools: Schools) -> PerSchool:
    rows = recognition_stats.dual_qualified_ratio(by="school", on=period.at, schools=schools)
    return {school: (n, total) for school, (n, total, _ratio) in rows.items()}


def _counts(rows: dict[object, int]) -> PerSchool:
    return {int(school): (int(n), None) for school, n in rows.items()}  # type: ignore[call-overload]


def _participation(period: Period, schools: Schools) -> PerSchool:
    rows = competition_stats.participation(period.at.year, by="school", schools=schools)
    return {
        int(school): (p.teachers + p.students, p.active_teachers + p.enrolled_students)  # type: ignore[call-overload]
        for school, p in rows.items()
    }


def _literacy(period: Period, schools: Schools) -> PerSchool:
    return literacy_stats.pass_counts(period.at.year, period.at, schools)  # type: ignore[return-value]


def _part_time(period: Period, schools: Schools) -> PerSchool:
    return dict(places_in_use(period.at, schools))  # type: ignore[arg-type]


INDICATORS: list[Indicator] = [
    Indicator(
        "dual_qualified_ratio",
        _l("Dual-qualified (双师型) share"),
        RATIO,
        _l(
            "双师型 teachers ÷ professional teachers in post at the end of the period, counting "
            "confirmed recognitions not past their recheck date."
        ),
        _dual_ratio,
        frozenset({"Recognition", "Teacher"}),
        _l("Dual-qualified teachers"),
        _l("Professional teachers"),
    ),
    Indicator(
        "dual_qualified_teachers",
        _l("Dual-qualified teachers recognised"),
        COUNT,
        _l("Distinct teachers whose 双师型 recognition was confirmed within the period."),
        lambda p, schools: _counts(
            recognition_stats.recognised_between(p.start, p.at, by="school", schools=schools)
        ),
        frozenset({"Recognition", "Teacher"}),
    ),
    Indicator(
        "enterprise_practice_person_times",
        _l("Enterprise practice (person-times)"),
        COUNT,
        _l(
            "Approved placements of professional teachers whose practice ended within the "
            "period; one placement is one person-time."
        ),
        lambda p, schools: _counts(
            placement_stats.person_times(p.start, p.at, by="school", schools=schools)
        ),
        frozenset({"Placement", "Teacher"}),
    ),
    Indicator(
        "competition_participation_rate",
        _l("Skills competition participation"),
        RATIO,
        _l(
            "Distinct teachers and students in any competition of the year ÷ teachers in post "
            "and students enrolled that year; for a plan, its last year."
        ),
        _participation,
        frozenset({"Entry", "Teacher", "School"}),  # a school's enrolment
        _l("Participants"),
        _l("Teachers and students"),
    ),
    Indicator(
        "innovation_teams",
        _l("City-level innovation teams"),
        COUNT,
        _l("City-level (or higher) teacher innovation teams approved by the end and not failed."),
        lambda p, schools: _counts(team_stats.team_counts(by="school", on=p.at, schools=schools)),
        frozenset({"InnovationTeam"}),
    ),
    Indicator(
        "overseas_study_teachers",
        _l("Teachers who studied abroad"),
        COUNT,
        _l("Distinct professional teachers back from an overseas visit that ended in the period."),
        lambda p, schools: _counts(
            team_stats.returned_between(p.start, p.at, by="school", schools=schools)
        ),
        frozenset({"Nomination", "Teacher"}),
    ),
    Indicator(
        "part_time_ratio",
        _l("Part-time teachers share (cap)"),
        CAP,
        _l(
            "Part-time teachers in post ÷ professional teachers at the end of the period; a cap, "
            "so what matters is each school under it."
        ),
        _part_time,
        frozenset({"Appointment", "Teacher"}),
        _l("Part-time teachers"),
        _l("Professional teachers"),
        target_rule="part_time_cap_ratio",  # the cap the appointments enforce, one rule
    ),
    Indicator(
        "digital_literacy_pass_rate",
        _l("Digital literacy pass rate"),
        RATIO,
        _l(
            "Teachers who passed the year's digital-literacy round ÷ teachers who were to take it "
            "(professional teachers in post, or all, as the round says) at the end of the period; "
            "a school without a round that year is not counted."
        ),
        _literacy,
        frozenset({"LiteracyResult", "LiteracyRound", "Teacher"}),
        _l("Passed"),
        _l("Were to take it"),
        target_rule="literacy_pass_rate_target",
    ),
    Indicator(
        "d_class_talents",
        _l("D-class talents"),
        TALLY,
        _l("D-class recognitions from competition results confirmed within the period."),
        lambda p, schools: _counts(
            recognition_stats.recognised_between(
                p.start, p.at, kind=Kind.D_CLASS, by="school", schools=schools
            )
        ),
        frozenset({"Recognition", "Teacher"}),
    ),
]
BY_KEY = {i.key: i for i in INDICATORS}
KEYS = [i.key for i in INDICATORS]


@dataclass(frozen=True)
class Places:
    in_use: int
    cap: int
    full: int  # schools with no place left (at or over their cap)
    schools: int

    @property
    def left(self) -> int:
        return max(0, self.cap - self.in_use)


@dataclass(frozen=True)
class Figure:
    indicator: Indicator
    numerator: int
    denominator: int | None
    target: Decimal | None  # for the period: a count target is the period's share of the plan's
    plan: Plan | None
    # A cap's places (兼职教师名额): in use, the schools' caps summed, and how many schools
    # are full: a cap is read as places left, never as a target met.
    places: Places | None = None

    @cached_property  # read for the sort, the status and the cell of each of 1,170 counties
    def value(self) -> Decimal | int:
        if self.denominator is None:
            return self.numerator
        if not self.denominator:
            return Decimal(0)
        return (Decimal(self.numerator) / self.denominator).quantize(Decimal("0.0001"))

    def status(self, period: Period) -> str | None:
        if self.target is None:
            return None
        kind = self.indicator.kind
        if kind == CAP:
            return MET if self.value <= self.target else BEHIND
        if self.value >= self.target:
            return MET
        if kind == COUNT and not period.finished and self.value >= self.target * period.elapsed:
            return ON_TRACK
        return BEHIND

    @property
    def progress(self) -> int | None:
        """Percent of the way to the target (of a cap: how full it is), at most 100."""
        if not self.target:
            return None
        return min(100, int(Decimal(self.value) / self.target * 100))


def target_for(indicator: Indicator, period: Period, plan: Plan) -> Decimal | None:
    """The plan's target as it applies to `period`: ratios and caps as they are; a count target
    in proportion to the days the period shares with the plan (none if it shares none)."""
    target = plan.targets.get(indicator.key)
    if target is None or indicator.kind == TALLY:
        return None
    if indicator.kind in (RATIO, CAP):
        return target
    shared = (min(period.end, plan.end) - max(period.start, plan.start)).days + 1
    if shared <= 0:
        return None
    return (target * shared / plan.days).quantize(Decimal("1"))


@dataclass(frozen=True)
class SchoolRow:
    id: int
    code: str
    name: str
    county_id: int
    county_code: str
    county_name: str


def schools() -> list[SchoolRow]:
    """Every school with its county, in the boards' order (kept until a school or a county
    changes: a province's 4,050 rows are read on every board otherwise). Shared: read only."""
    return kept.remembered(("school-rows",), _school_rows, reads=("School",))


def _school_rows() -> list[SchoolRow]:
    rows = db.session.execute(
        select(School.id, School.code, School.name, County.id, County.code, County.name)
        .join(County, School.county_id == County.id)
        .order_by(County.sort_order, County.id, School.code)
    )
    return [SchoolRow(*row) for row in rows]


def _split(value: dict[str, PerSchool], changes: freshness.Changes) -> dict[str, Any]:
    """{indicator: {school: (n, d)}} as one part per school ({indicator: [n, d]}) and the list
    of indicators; after a change, only the parts of the schools it touched."""
    schools = set().union(*value.values()) if changes is None else set(changes)
    parts: dict[str, Any] = {"keys": list(value)} if changes is None else {}
    for school in schools:
        part = {key: rows[school] for key, rows in value.items() if school in rows}
        parts[str(school)] = part or None  # a school with nothing left drops out
    return parts


def _join(parts: dict[str, Any]) -> dict[str, PerSchool]:
    value: dict[str, PerSchool] = {key: {} for key in parts.pop("keys")}
    for school, part in parts.items():
        for key, (n, d) in part.items():
            value[key][int(school)] = (n, d)
    return value


# The copy other processes share (Redis), a part per school.
PER_SCHOOL = kept.Codec(split=_split, join=_join)


RECOUNT_BATCHES = 3


def _per_school(period: Period, keys: tuple[str, ...]) -> tuple[tuple[Any, ...], kept.Refresh]:
    def refresh(old: dict[str, PerSchool] | None, changes: freshness.Changes) -> Any:
        if old is None or changes is None:
            return {key: BY_KEY[key].compute(period, None) for key in keys}
        # Only the schools where something it reads changed: one with nothing left drops out.
        fresh = {key: old[key] for key in keys}
        todo = {key: freshness.schools_reading(changes, BY_KEY[key].reads) for key in keys}
        todo = {key: changed for key, changed in todo.items() if changed}

        def recount(batch: list[str]) -> dict[str, PerSchool]:
            with serial_statements():  # a few schools: no PostgreSQL workers to start
                return {key: BY_KEY[key].compute(period, todo[key]) for key in batch}

        # The indicators' statements in three batches side by side (the database's two cores),
        # not one by one.
        batches = [list(todo)[n::RECOUNT_BATCHES] for n in range(RECOUNT_BATCHES)]
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        parts = in_parallel(app, [partial(recount, batch) for batch in batches if batch])
        for counted in parts:
            for key, computed in counted.items():
                rows = dict(old[key])  # a copy (at C speed) without the changed schools
                for school in todo[key]:
                    rows.pop(school, None)
                rows.update(computed)
                fresh[key] = rows
        return fresh

    return ("indicators", period.key, period.start, period.at, *keys), refresh


def recompute(period: Period) -> None:
    """Count every school of `period` now and keep it for the boards (the job's half-hourly
    run, so that no request has to count a province)."""
    kept.recompute(*_per_school(period, tuple(KEYS)), PER_SCHOOL)


# Groups' sums kept per process, with the per-school figures they were summed from: {period:
# (per-school figures, {groups: sums})} for the most recent periods, and for each the most
# recent sets of groups (the city's counties, a county's schools …).
SUMMED_PERIODS, SUMMED_GROUPS = 8, 64
_summed: dict[tuple[Any, ...], tuple[Any, dict[tuple[Any, ...], Any]]] = {}
_summed_lock = threading.Lock()


class Results:
    """Every indicator of a period for every school, and their sums for any set of schools,
    kept per period and shared by every board; after a change only the schools it touched are
    computed again (`kept`, `freshness`)."""

    def __init__(self, period: Period, keys: Iterable[str] = KEYS) -> None:
        self.period = period
        self.plan = period.plan_in_force()  # None: the figures stand without targets
        self.per_school = kept.keep(*_per_school(period, tuple(keys)), PER_SCHOOL)
        self._targets: dict[tuple[str, bool], Decimal | None] = {}
        self._cap_ratio: Decimal | None = None

    def figure(self, key: str, school_ids: Iterable[int] | None = None) -> Figure:
        """The figure of the schools `school_ids` (the whole city when None). Ratio and cap
        targets hold for every county and school; the plan's counts (of teachers, person-times …)
        are the city's, so a part of the city has no count target."""
        rows = self.per_school[key]
        if school_ids is None:
            return self._figure(key, rows.values(), self._target(key, False))
        # One figure is summed here, not kept: the assessment asks one for each county and item,
        # and keeping them would push a board's sums out.
        return self._figure(key, [rows.get(s, (0, 0)) for s in school_ids], self._target(key, True))

    def figures(self, school_ids: Iterable[int] | None = None) -> dict[str, Figure]:
        """Figures of the schools `school_ids`, or of the whole city when None."""
        if school_ids is None:
            return self._summed(
                ("city",), lambda: {key: self.figure(key) for key in self.per_school}
            )
        return self.figures_of([list(school_ids)])[0]

    def figures_of(
        self, groups: Sequence[Collection[int]], keys: Iterable[str] | None = None
    ) -> list[dict[str, Figure]]:
        """The figures of each group of schools (every county of a province at once: a board
        sums 1,170 of them for its sort and its behind-counts). Kept with the per-school figures
        they were summed from, so the next request for the same groups reads them until a change
        moves those (`kept`)."""
        keys = tuple(self.per_school if keys is None else keys)

        def summed() -> list[dict[str, Figure]]:
            out: list[dict[str, Figure]] = [{} for _ in groups]
            for key in keys:
                rows, target = self.per_school[key], self._target(key, True)
                for figures, ids in zip(out, groups, strict=True):
                    figures[key] = self._figure(key, [rows.get(s, (0, 0)) for s in ids], target)
            return out

        return self._summed((keys, tuple(tuple(ids) for ids in groups)), summed)

    def _summed(self, what: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """`compute()`, kept in this process with the per-school figures it sums (read again
        until a change replaces those)."""
        period = (self.period.key, self.period.start, self.period.at)
        with _summed_lock:
            held = _summed.pop(period, None)
            if held is None or held[0] is not self.per_school:  # figures moved: sums are stale
                held = (self.per_school, {})
            _summed[period] = held  # the most recently read period last
            while len(_summed) > SUMMED_PERIODS:
                del _summed[next(iter(_summed))]
            if what in held[1]:
                return held[1][what]
        value = compute()
        with _summed_lock:
            sums = held[1]
            sums[what] = value
            while len(sums) > SUMMED_GROUPS:
                del sums[next(iter(sums))]  # the first summed
        return value

    def _figure(
        self, key: str, chosen: Collection[tuple[int, int | None]], target: Decimal | None
    ) -> Figure:
        indicator = BY_KEY[key]
        numerator = sum(n for n, _d in chosen)
        denominator = None if indicator.kind in (COUNT, TALLY) else sum(d or 0 for _n, d in chosen)
        places = self._places(chosen) if indicator.kind == CAP else None
        return Figure(indicator, numerator, denominator, target, self.plan, places)

    def _target(self, key: str, part: bool) -> Decimal | None:
        """The target of `key` for the whole city, or for a part of it (`part`): worked out
        once per board, not for each of its counties."""
        if (key, part) not in self._targets:
            indicator = BY_KEY[key]
            target = target_for(indicator, self.period, self.plan) if self.plan else None
            if indicator.target_rule is not None:
                target = Decimal(str(get_rule(indicator.target_rule, self.period.at)))
            if indicator.kind == COUNT and part:
                target = None
            self._targets[(key, part)] = target
        return self._targets[(key, part)]

    def _places(self, chosen: Collection[tuple[int, int | None]]) -> Places:
        if self._cap_ratio is None:
            self._cap_ratio = get_rule("part_time_cap_ratio", self.period.at)
        caps = [(n, cap_for(d or 0, ratio=self._cap_ratio)) for n, d in chosen]
        return Places(
            in_use=sum(n for n, _c in caps),
            cap=sum(c for _n, c in caps),
            full=sum(1 for n, c in caps if n >= c and (c or n)),
            schools=len(caps),
        )


def describe_plan(plan: dict[str, Any]) -> list[str]:
    """A plan version as people read it: its span, then a line per target."""
    lines = [_("%(name)s: %(start)s to %(end)s", name=plan["name"], start=plan["start"],
               end=plan["end"])]  # fmt: skip
    for key, target in plan.get("targets", {}).items():
        indicator = BY_KEY[key]
        if indicator.kind in (RATIO, CAP):
            value = f"{Decimal(str(target)) * 100:.0f}%"
        else:
            value = f"{int(target):,}"
        sign = "≤" if indicator.kind == CAP else "≥"
        lines.append(f"{indicator.label} {sign} {value}")
    return lines

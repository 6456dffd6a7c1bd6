"""A year's assessment table: for each county every item's value, score and the total, ranked,
with each school's contribution. Every figure is read from its owner: the indicators of the
boards (`Results`, kept and shared), the roster's hire dates (`teachers.stats`), the part-time
cap (`capacity.cap_for`), and the figures the bureau entered. A published year is read back from
what was frozen when it was published, never counted again."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from core.extensions import db
from core.models import County, School
from core.rules import get_rule
from teachers import stats as teacher_stats
from teachers.appointments.capacity import cap_for

from ..indicators import BY_KEY, COUNT, TALLY, Results, schools
from ..periods import Period
from .items import MANUAL, RECRUITED, WITHIN_CAP, Item, as_item, as_items
from .models import ManualFigure

ITEMS_RULE = "county_assessment_items"


@dataclass
class Cell:
    """One item of one county, or of one school (its contribution; no score)."""

    value: Decimal | None  # None: no figure (nothing to count, or not entered yet)
    numerator: int | None = None
    denominator: int | None = None
    score: Decimal = Decimal(0)


@dataclass
class SchoolPart:
    code: str
    name: str
    cells: dict[str, Cell]


@dataclass
class CountyRow:
    code: str
    name: str
    cells: dict[str, Cell]
    total: Decimal = Decimal(0)
    rank: int = 0
    schools: list[SchoolPart] = field(default_factory=list)


@dataclass
class Table:
    year: int
    as_of: date
    items: list[Item]
    counties: list[CountyRow]
    published_at: datetime | None = None
    published_by: str = ""

    @property
    def published(self) -> bool:
        return self.published_at is not None

    def county(self, code: str) -> CountyRow | None:
        return next((c for c in self.counties if c.code == code), None)


def period_of(year: int) -> Period:
    return Period(str(year), date(year, 1, 1), date(year, 12, 31), False)


def items_of(year: int) -> list[Item]:
    """The items in force at the end of `year`."""
    end = date(year, 12, 31)
    return as_items(get_rule(ITEMS_RULE, end), end)


def assessed_counties() -> list[County]:
    """The counties assessed: every county-level unit with a school on record, but the city's
    own schools (市直属, whose code ends in 00 as the city's does: the city does not assess
    itself)."""
    with_schools = select(School.county_id)
    query = select(County).where(County.id.in_(with_schools)).order_by(County.sort_order, County.id)
    return [c for c in db.session.scalars(query) if not c.code.endswith("00")]


def _ratio(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) / denominator).quantize(Decimal("0.0001"))


def _indicator_cell(results: Results, item: Item, ids: list[int]) -> Cell:
    figure = results.figure(item.measure, ids)
    if BY_KEY[item.measure].kind in (COUNT, TALLY):
        return Cell(Decimal(figure.numerator), figure.numerator)
    return Cell(_ratio(figure.numerator, figure.denominator or 0), figure.numerator,
                figure.denominator)  # fmt: skip


def compute(year: int) -> Table:
    """The year's table counted from the records now (a draft)."""
    period = period_of(year)
    items = items_of(year)
    results = Results(period)
    rows = schools()
    recruited = teacher_stats.recruited_between(period.start, period.at)
    cap_ratio = get_rule("part_time_cap_ratio", period.at)
    places = results.per_school["part_time_ratio"]
    manual = {
        (f.county_id, f.item): f.value
        for f in db.session.scalars(select(ManualFigure).where(ManualFigure.year == year))
    }

    def school_cell(item: Item, school_id: int) -> Cell | None:
        if item.measure == RECRUITED:
            n = recruited.get(school_id, 0)
            return Cell(Decimal(n), n)
        if item.measure == WITHIN_CAP:
            held, teachers = places.get(school_id, (0, 0))
            cap = cap_for(teachers or 0, ratio=cap_ratio)
            return Cell(Decimal(1 if held <= cap else 0), held, cap)
        if item.measure in BY_KEY:
            return _indicator_cell(results, item, [school_id])
        return None  # a manual figure is the county's

    counties = []
    for county in assessed_counties():
        members = [s for s in rows if s.county_id == county.id]
        ids = [s.id for s in members]
        parts = [
            SchoolPart(s.code, s.name, {i.key: c for i in items
                                        if (c := school_cell(i, s.id)) is not None})
            for s in members
        ]  # fmt: skip
        cells = {}
        for item in items:
            if item.measure == MANUAL:
                cell = Cell(manual.get((county.id, item.key)))
            elif item.measure == RECRUITED:
                n = sum(recruited.get(s, 0) for s in ids)
                cell = Cell(Decimal(n), n)
            elif item.measure == WITHIN_CAP:
                within = sum(int(p.cells[item.key].value or 0) for p in parts)
                cell = Cell(_ratio(within, len(ids)), within, len(ids))
            else:
                cell = _indicator_cell(results, item, ids)
            cell.score = item.score(cell.value)
            cells[item.key] = cell
        total = sum((c.score for c in cells.values()), Decimal(0))
        counties.append(CountyRow(county.code, county.name, cells, total, 0, parts))
    rank(counties)
    return Table(year, period.at, items, counties)


def rank(counties: list[CountyRow]) -> None:
    """Highest total first; equal totals share a rank (1, 2, 2, 4), in the counties' order."""
    counties.sort(key=lambda c: -c.total)
    for n, county in enumerate(counties):
        tied = n and county.total == counties[n - 1].total
        county.rank = counties[n - 1].rank if tied else n + 1


# The frozen form, stored when the year is published and answered by the API.
def _num(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _cell_json(cell: Cell) -> dict[str, Any]:
    return {"value": _num(cell.value), "numerator": cell.numerator,
            "denominator": cell.denominator, "score": _num(cell.score)}  # fmt: skip


def _cell(data: dict[str, Any]) -> Cell:
    value = data.get("value")
    return Cell(None if value is None else Decimal(value), data.get("numerator"),
                data.get("denominator"), Decimal(data.get("score") or 0))  # fmt: skip


def freeze(table: Table) -> dict[str, Any]:
    return {
        "year": table.year,
        "as_of": table.as_of.isoformat(),
        "items": [i.as_json() for i in table.items],
        "counties": [
            {"code": c.code, "name": c.name, "total": str(c.total), "rank": c.rank,
             "cells": {k: _cell_json(v) for k, v in c.cells.items()},
             "schools": [{"code": s.code, "name": s.name,
                          "cells": {k: _cell_json(v) for k, v in s.cells.items()}}
                         for s in c.schools]}
            for c in table.counties
        ],
    }  # fmt: skip


def thaw(data: dict[str, Any], published_at: datetime | None, by: str) -> Table:
    return Table(
        year=int(data["year"]),
        as_of=date.fromisoformat(data["as_of"]),
        items=[as_item(i) for i in data["items"]],
        counties=[
            CountyRow(c["code"], c["name"], {k: _cell(v) for k, v in c["cells"].items()},
                      Decimal(c["total"]), int(c["rank"]),
                      [SchoolPart(s["code"], s["name"],
                                  {k: _cell(v) for k, v in s["cells"].items()})
                       for s in c["schools"]])
            for c in data["counties"]
        ],
        published_at=published_at,
        published_by=by,
    )  # fmt: skip

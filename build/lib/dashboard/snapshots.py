"""Indicator snapshots: taken nightly (and on demand), rebuilt month by month from the records for
a new installation, read by the trend charts."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from core.extensions import db
from core.timeutil import today

from .indicators import Results, schools
from .models import IndicatorSnapshot
from .periods import Period


def year_to(day: date) -> Period:
    """The calendar year of `day`, up to `day`: what a snapshot of that day counts."""
    return Period(str(day.year), date(day.year, 1, 1), day, False)


def take(on: date | None = None) -> int:
    """Store every indicator of the city, each county and each school on `on` (today by
    default). Taking the same day again replaces that day's values: safe to repeat."""
    on = on or today()
    results = Results(year_to(on))
    rows = schools()
    scopes: dict[str, list[int]] = {"city": [s.id for s in rows]}
    for s in rows:
        scopes.setdefault(f"county:{s.county_code}", []).append(s.id)
        scopes[f"school:{s.code}"] = [s.id]
    db.session.execute(delete(IndicatorSnapshot).where(IndicatorSnapshot.on == on))
    values = []
    for scope, ids in scopes.items():
        for key, figure in results.figures(None if scope == "city" else ids).items():
            values.append(
                {
                    "scope": scope,
                    "key": key,
                    "on": on,
                    "numerator": figure.numerator,
                    "denominator": figure.denominator,
                    "value": Decimal(figure.value),
                }
            )
    if values:
        db.session.execute(IndicatorSnapshot.__table__.insert(), values)
    db.session.flush()
    return len(values)


def month_ends(first: date, last: date) -> Iterator[date]:
    day = date(first.year, first.month, 1)
    while True:
        following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
        end = following - timedelta(days=1)
        if end > last:
            return
        yield end
        day = following


def backfill(first: date) -> int:
    """Month-end values from `first` to last month, rebuilt from the records, and today's."""
    days = [*month_ends(first, today()), today()]
    return sum(take(day) for day in days)


def trend(
    scope: str, keys: list[str], school_ids: list[int] | None = None
) -> dict[str, list[tuple[date, Decimal]]]:
    """{key: [(day, value), …]} oldest first, from one query. With `school_ids` (the scope's
    schools; None for the city) the last point is today's, counted now as the snapshots count
    (the year to date), so a chart never ends a day behind the records."""
    out: dict[str, list[tuple[date, Decimal]]] = {k: [] for k in keys}
    day_now = today()
    rows = db.session.execute(
        select(IndicatorSnapshot.key, IndicatorSnapshot.on, IndicatorSnapshot.value)
        .where(IndicatorSnapshot.scope == scope, IndicatorSnapshot.key.in_(keys))
        .order_by(IndicatorSnapshot.on)
    )
    live_today = scope == "city" or school_ids is not None
    for key, day, value in rows:
        if not (live_today and day == day_now):
            out[key].append((day, Decimal(value)))
    if live_today:
        live = Results(year_to(day_now)).figures(school_ids)
        for key in keys:
            if out[key]:  # a chart with history: its last point is today's figure
                out[key].append((day_now, Decimal(live[key].value)))
    return out

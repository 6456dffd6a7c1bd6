"""Clock helpers: timestamps are stored as naive UTC; 'today' is Wenzhou's date."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def local_tz() -> ZoneInfo:
    name = current_app.config["TIMEZONE"] if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def years_later(day: date, years: int) -> date:
    """The same day `years` later (earlier, if negative); 29 February becomes 28 February in a
    common year. The one place this arithmetic lives (recheck dates, terms, practice windows)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def today() -> date:
    return datetime.now(local_tz()).date()


def start_of_local_day(day: date) -> datetime:
    """The naive-UTC instant at which `day` begins in Wenzhou, for filtering stored timestamps."""
    return datetime.combine(day, time(), tzinfo=local_tz()).astimezone(UTC).replace(tzinfo=None)

"""Nightly: store the day's indicators (safe to run twice: the day's values are replaced).
Half-hourly: count every school of the current plan and year, so that boards only add changes."""

from __future__ import annotations

from flask import current_app

from . import indicators, snapshots
from .periods import choices


def nightly_snapshot() -> dict[str, int]:
    return {"values": snapshots.take()}


def keep_figures() -> dict[str, int | str]:
    if not current_app.config.get("REDIS_URL"):
        return {"skipped": "no REDIS_URL: each web process keeps its own figures"}
    periods = choices()[:2]  # the plan in force and this year: what boards open on
    for period in periods:
        indicators.recompute(period)
    return {"periods": len(periods)}

"""Nightly: store the day's indicators (safe to run twice: the day's values are replaced)."""

from __future__ import annotations

from . import snapshots


def nightly_snapshot() -> dict[str, int]:
    return {"values": snapshots.take()}

"""Stored indicator values, so that trends survive later edits of the records behind them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.extensions import db
from core.timeutil import utcnow


class IndicatorSnapshot(db.Model):
    """One indicator of one scope ("city", "county:330302", "school:WZ001") on one day, counted
    over the calendar year up to that day (ratios: on that day)."""

    __tablename__ = "indicator_snapshots"
    __table_args__ = (
        UniqueConstraint("scope", "key", "on"),
        Index("ix_indicator_snapshots_scope_on", "scope", "on"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(50))
    on: Mapped[date]
    numerator: Mapped[int]
    denominator: Mapped[int | None]
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)

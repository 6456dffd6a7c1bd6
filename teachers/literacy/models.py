"""Digital-literacy rounds and results. A result is kept for good: a retake in the same round
adds the new result and marks it the current one, so the history stays."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import School
from core.timeutil import utcnow
from teachers.models import Teacher

# The five dimensions of 《教师数字素养》(JY/T 0646—2022), in the standard's order.
DIMENSIONS = ("awareness", "skills", "application", "responsibility", "development")
PROFESSIONAL, IN_POST = "professional", "in_post"  # who takes a round


class LiteracyRound(db.Model):
    __tablename__ = "literacy_rounds"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    name: Mapped[str] = mapped_column(String(120))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))  # None: the city's
    takers: Mapped[str] = mapped_column(String(20), default=PROFESSIONAL)
    opens_on: Mapped[date]
    closes_on: Mapped[date]
    maxima: Mapped[dict[str, Any]] = mapped_column(JSON)  # dimension → its highest score
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School | None] = relationship()

    def __str__(self) -> str:
        # A name that already begins with its year ("2026 年度补测") is not given it twice.
        if self.name.startswith(str(self.year)):
            return self.name
        return f"{self.year} {self.name}"


class LiteracyResult(db.Model):
    __tablename__ = "literacy_results"
    __table_args__ = (Index("ix_literacy_results_round_teacher", "round_id", "teacher_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("literacy_rounds.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON)  # dimension → score
    total: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    passed: Mapped[bool]
    current: Mapped[bool] = mapped_column(default=True)  # False: replaced by a retake
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    round: Mapped[LiteracyRound] = relationship()
    teacher: Mapped[Teacher] = relationship()

    def __str__(self) -> str:
        return f"{self.teacher.name} · {self.round}"

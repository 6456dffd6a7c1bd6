"""The counties' yearly assessment (plan article 二十): a year's assessment (its figures frozen
when the bureau publishes it), the figures the bureau enters by hand with their evidence, and the
interviews (约谈) with a county that is behind, each with its commitments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import County, Upload, User
from core.timeutil import today, utcnow


class AssessmentStatus(StrEnum):
    DRAFT = "draft"  # counted from the records as they are now
    PUBLISHED = "published"  # frozen: the figures as they were when published (通报)


class CountyAssessment(db.Model):
    """A year's assessment. There is a row once someone enters a figure or publishes; until then
    the year is a draft counted on the fly."""

    __tablename__ = "county_assessments"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(unique=True)
    status: Mapped[AssessmentStatus] = mapped_column(String(20), default=AssessmentStatus.DRAFT)
    results: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # the frozen table
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    published_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return str(self.year)


class ManualFigure(db.Model):
    """A figure the system does not hold (school building, funding, 职普比), entered by the city
    bureau for one county and item of a year, with the document it comes from."""

    __tablename__ = "assessment_manual_figures"
    __table_args__ = (UniqueConstraint("year", "county_id", "item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"))
    item: Mapped[str] = mapped_column(String(50))
    value: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(String(200), default="")
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county: Mapped[County] = relationship()
    evidence: Mapped[Upload | None] = relationship()
    entered_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return f"{self.year} {self.county.name} {self.item}"


class InterviewStatus(StrEnum):
    OPEN = "open"  # the county reports what it did on each commitment
    REPORTED = "reported"  # the city bureau reviews the report
    CLOSED = "closed"


class Interview(db.Model):
    """约谈: the city bureau's recorded interview with a county behind in a year's assessment."""

    __tablename__ = "assessment_interviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    held_on: Mapped[date]
    attendees: Mapped[str] = mapped_column(Text)
    issues: Mapped[str] = mapped_column(Text)
    status: Mapped[InterviewStatus] = mapped_column(String(20), default=InterviewStatus.OPEN)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_at: Mapped[datetime | None]

    county: Mapped[County] = relationship()
    created_by: Mapped[User | None] = relationship()
    commitments: Mapped[list[Commitment]] = relationship(
        back_populates="interview", order_by="Commitment.position", cascade="all, delete-orphan"
    )

    def __str__(self) -> str:
        return f"{self.county.name} · {self.held_on.isoformat()}"


class Commitment(db.Model):
    """A commitment the county made in an interview, due by a date; the county records what it
    did. Overdue: past its date with nothing recorded while the interview is not closed."""

    __tablename__ = "assessment_commitments"
    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(
        ForeignKey("assessment_interviews.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    text: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date]
    action: Mapped[str] = mapped_column(Text, default="")  # what the county did
    done_on: Mapped[date | None]

    interview: Mapped[Interview] = relationship(back_populates="commitments")

    @property
    def overdue(self) -> bool:
        """Past its day with nothing done while the interview is open (`services.overdue` is the
        same rule as a query, for the boards)."""
        return (self.done_on is None and self.due_on < today()
                and self.interview.status != InterviewStatus.CLOSED)  # fmt: skip

    def __str__(self) -> str:
        return self.text[:60]

"""Recognitions (认定): D-class talent from competition results, and dual-qualified (双师型)
tiers from an application; plus the yearly ethics (师德) result that can veto both."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import User
from core.timeutil import utcnow
from teachers.models import Teacher


class Kind(enum.StrEnum):
    D_CLASS = "d_class"
    DUAL_QUALIFIED = "dual_qualified"


class Status(enum.StrEnum):
    PENDING = "pending"  # D-class: waiting for the bureau
    APPLIED = "applied"  # dual-qualified: waiting for school HR
    RETURNED = "returned"  # back to the teacher with a comment
    SCHOOL_PASSED = "school_passed"  # waiting for the bureau
    NOTICE = "notice"  # public notice period (公示)
    CONFIRMED = "confirmed"  # recognised, with a certificate
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # D-class: the result no longer qualifies
    REVOKED = "revoked"  # ethics failure
    CANCELLED = "cancelled"  # dual-qualified: withdrawn by the teacher before the school decided


class Recognition(db.Model):
    __tablename__ = "recognitions"
    __table_args__ = (
        UniqueConstraint("kind", "teacher_id", "source_entry_id"),
        Index("ix_recognitions_kind_status", "kind", "status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[Kind] = mapped_column(String(20))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    status: Mapped[Status] = mapped_column(String(20))
    tier: Mapped[str] = mapped_column(String(20))  # D / E … or junior / intermediate / senior
    # D-class: the competition result that earned it, and the rule that mapped it.
    source_entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="SET NULL")
    )
    basis: Mapped[str] = mapped_column(String(300), default="")
    # Dual-qualified: the evidence as gathered when the teacher applied, and its assessment.
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    flagged: Mapped[bool] = mapped_column(default=False)  # confirmed, but its result changed
    notice_until: Mapped[date | None]
    objections: Mapped[list[Any]] = mapped_column(JSON, default=list)
    certificate_no: Mapped[str | None] = mapped_column(String(30), unique=True)
    verification_code: Mapped[str | None] = mapped_column(String(20), unique=True)
    confirmed_on: Mapped[date | None]
    recheck_due: Mapped[date | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    teacher: Mapped[Teacher] = relationship()
    decided_by: Mapped[User | None] = relationship()

    @property
    def school_id(self) -> int:
        return self.teacher.school_id

    def __str__(self) -> str:
        from .labels import KIND, TIER  # labels import this module

        return f"{self.teacher.name} · {KIND.get(self.kind, '')} {TIER.get(self.tier, '')}".strip()


class EthicsResult(db.Model):
    """The yearly teacher-ethics (师德) assessment HR records; a failure is a veto."""

    __tablename__ = "ethics_results"
    __table_args__ = (UniqueConstraint("teacher_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"))
    year: Mapped[int]
    passed: Mapped[bool]
    penalty_until: Mapped[date | None]
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[Teacher] = relationship()

    @property
    def school_id(self) -> int:
        return self.teacher.school_id

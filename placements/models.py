"""Enterprise practice (千企万岗): enterprises, placements with evidence and mentor confirmation,
title-review intentions, and part-time enterprise jobs with the school's consent."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import County, Upload, User
from core.timeutil import utcnow
from teachers.models import Teacher

DAYS = Numeric(6, 1)


class PracticeForm(enum.StrEnum):
    """The four national forms (《职业学校教师企业实践规定》 art. 6) and others."""

    VISIT = "visit"  # 考察观摩
    TRAINING = "training"  # 接受企业组织的技能培训
    POST = "post"  # 在生产和管理岗位兼职或任职
    RND = "rnd"  # 参与产品研发和技术创新
    OTHER = "other"
    # 未记录: a historical record that never said (imported, never guessed; not offered when a
    # placement is logged now).
    UNRECORDED = "unrecorded"


class PlacementStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"  # back to the teacher for revision
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Confirmation(enum.StrEnum):
    """How the host enterprise confirmed (or declined) the practice."""

    NONE = "none"
    MENTOR = "mentor"  # the mentor confirmed through the link
    UPLOAD = "upload"  # HR uploaded the enterprise's stamped assessment form
    IMPORTED = "imported"  # a historical record: confirmed in the school's own ledger
    DECLINED = "declined"


CONFIRMED = (Confirmation.MENTOR, Confirmation.UPLOAD, Confirmation.IMPORTED)
# The placements whose days are taken: another placement of the teacher may not share one.
HOLDS_ITS_DAYS = (PlacementStatus.SUBMITTED, PlacementStatus.APPROVED)


class EvidenceKind(enum.StrEnum):
    AGREEMENT = "agreement"  # 实践协议
    ATTENDANCE = "attendance"  # 考勤表
    ASSESSMENT = "assessment"  # 盖章的考核表
    OTHER = "other"


class Enterprise(db.Model):
    __tablename__ = "enterprises"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    # 统一社会信用代码 (GB 32100-2015): one enterprise per code, city-wide.
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    industry: Mapped[str] = mapped_column(String(60), default="")
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    county: Mapped[County | None] = relationship()

    def __str__(self) -> str:
        return self.name


class Placement(db.Model):
    __tablename__ = "placements"
    __table_args__ = (
        # A teacher's ledger reads their placements by this index, whatever the city's total; it
        # holds every column the ledger and the person-times count read, so the ledger of a
        # school's teachers and its count after a change come from the index alone.
        Index(
            "ix_placements_teacher_practice",
            "teacher_id",
            "status",
            "end_date",
            "start_date",
            "days",
        ),
        # Counts by period (person-times of a year or a plan) filter on status and end date.
        Index("ix_placements_status_end_date", "status", "end_date"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    post: Mapped[str] = mapped_column(String(100))
    form: Mapped[PracticeForm] = mapped_column(String(20))
    start_date: Mapped[date]
    end_date: Mapped[date]
    days: Mapped[Decimal] = mapped_column(DAYS)
    hours: Mapped[Decimal | None] = mapped_column(Numeric(7, 1))
    mentor_name: Mapped[str] = mapped_column(String(40), default="")
    mentor_phone: Mapped[str] = mapped_column(String(20), default="")
    # Where the confirmation link is mailed when the teacher submits (and sends a new one).
    mentor_email: Mapped[str] = mapped_column(String(120), default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[PlacementStatus] = mapped_column(String(20), default=PlacementStatus.DRAFT)
    confirmation: Mapped[Confirmation] = mapped_column(String(20), default=Confirmation.NONE)
    confirmed_days: Mapped[Decimal | None] = mapped_column(DAYS)
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str] = mapped_column(String(60), default="")
    decline_reason: Mapped[str] = mapped_column(String(500), default="")
    decision_note: Mapped[str] = mapped_column(String(500), default="")  # reason or comment
    submitted_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revision: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    teacher: Mapped[Teacher] = relationship()
    enterprise: Mapped[Enterprise] = relationship()
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    evidence: Mapped[list[PlacementEvidence]] = relationship(
        back_populates="placement", order_by="PlacementEvidence.id", cascade="all, delete-orphan"
    )
    revisions: Mapped[list[PlacementRevision]] = relationship(
        back_populates="placement", order_by="PlacementRevision.number"
    )

    @property
    def school_id(self) -> int:
        return self.teacher.school_id

    @property
    def span_days(self) -> int:
        return (self.end_date - self.start_date).days + 1

    @property
    def confirmed(self) -> bool:
        return self.confirmation in CONFIRMED

    def __str__(self) -> str:
        return (
            f"{self.teacher.name} · {self.enterprise.name}（{self.start_date} – {self.end_date}）"
        )


class PlacementEvidence(db.Model):
    __tablename__ = "placement_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[EvidenceKind] = mapped_column(String(20))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="evidence")
    upload: Mapped[Upload] = relationship()


class PlacementRevision(db.Model):
    """A correction of an approved placement by HR: approved records are never edited in place."""

    __tablename__ = "placement_revisions"
    __table_args__ = (UniqueConstraint("placement_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    number: Mapped[int]
    reason: Mapped[str] = mapped_column(String(500))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    placement: Mapped[Placement] = relationship(back_populates="revisions")
    by: Mapped[User | None] = relationship()


class MentorLink(db.Model):
    """A single-use confirmation link for the enterprise mentor; the URL carries a signed id."""

    __tablename__ = "mentor_links"
    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("placements.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]  # expired, replaced by a newer link, or guessed at
    # Wrong last four digits of the mentor's phone typed so far: the third closes the link.
    wrong_digits: Mapped[int] = mapped_column(default=0, server_default="0")

    placement: Mapped[Placement] = relationship()


class TitleReviewIntent(db.Model):
    """A teacher means to apply for a title (职称评审) this year; the practice prerequisite applies
    to them."""

    __tablename__ = "title_review_intents"
    __table_args__ = (UniqueConstraint("teacher_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id", ondelete="CASCADE"))
    year: Mapped[int]
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[Teacher] = relationship()


class JobConsentStatus(enum.StrEnum):
    REQUESTED = "requested"
    CONSENTED = "consented"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class EnterpriseJob(db.Model):
    """A paid part-time job in an enterprise, held with the school's consent (十四)."""

    __tablename__ = "enterprise_jobs"
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"))
    role: Mapped[str] = mapped_column(String(100))
    start_date: Mapped[date]
    end_date: Mapped[date]
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    status: Mapped[JobConsentStatus] = mapped_column(String(20), default=JobConsentStatus.REQUESTED)
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    teacher: Mapped[Teacher] = relationship()
    enterprise: Mapped[Enterprise] = relationship()

    @property
    def school_id(self) -> int:
        return self.teacher.school_id

    def __str__(self) -> str:
        return f"{self.teacher.name} · {self.enterprise.name}"


class TeachingHours(db.Model):
    """Teaching workload per term: at school, or enterprise teaching (在企业带教) under a
    consented job; both count as teaching workload."""

    __tablename__ = "teaching_hours"
    __table_args__ = (UniqueConstraint("teacher_id", "term", "job_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    term: Mapped[str] = mapped_column(String(12))  # e.g. 2025-2026-1
    job_id: Mapped[int | None] = mapped_column(ForeignKey("enterprise_jobs.id"))  # None: school
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    job: Mapped[EnterpriseJob | None] = relationship()

    @property
    def school_id(self) -> int:
        return db.session.get(Teacher, self.teacher_id).school_id

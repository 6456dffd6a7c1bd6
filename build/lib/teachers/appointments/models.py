"""Appointments of part-time teachers, and each county's funding policy for them."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import County, School, Upload, User
from core.timeutil import utcnow


class AppointmentStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # waiting for a second HR approver of the school
    PENDING_BUREAU = "pending_bureau"  # the county wants the bureau's approval too
    APPROVED = "approved"  # in force from term start to term end
    REJECTED = "rejected"
    TERMINATED = "terminated"  # ended early, with a date and reason
    ENDED = "ended"  # its term is over


class Qualification(enum.StrEnum):
    """The highest title (职称) or skill level (职业技能等级) the person holds."""

    NONE = "none"
    TITLE_JUNIOR = "title_junior"
    TITLE_INTERMEDIATE = "title_intermediate"
    TITLE_ASSOCIATE_SENIOR = "title_associate_senior"
    TITLE_SENIOR = "title_senior"
    SKILL_5 = "skill_level5"
    SKILL_4 = "skill_level4"
    SKILL_3 = "skill_level3"  # 高级工
    SKILL_2 = "skill_level2"
    SKILL_1 = "skill_level1"


# Terms that occupy a place under the cap while their dates overlap a new term.
HOLDS_A_PLACE = (AppointmentStatus.APPROVED, AppointmentStatus.TERMINATED, AppointmentStatus.ENDED)


class Appointment(db.Model):
    __tablename__ = "appointments"
    __table_args__ = (Index("ix_appointments_school_status", "school_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    # The person
    name: Mapped[str] = mapped_column(String(40))
    gender: Mapped[str] = mapped_column(String(10))
    birth_date: Mapped[date]
    phone: Mapped[str] = mapped_column(String(20), default="")
    employer: Mapped[str] = mapped_column(String(120))
    position: Mapped[str] = mapped_column(String(80), default="")
    qualification: Mapped[Qualification] = mapped_column(String(30))
    field: Mapped[str] = mapped_column(String(80), default="")  # 专业领域
    # Master craftspeople may be appointed outside the rules, for a recorded reason.
    exemption: Mapped[bool] = mapped_column(default=False)
    exemption_reason: Mapped[str] = mapped_column(String(500), default="")
    # The teaching
    courses: Mapped[str] = mapped_column(Text, default="")
    hours_per_week: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    term_start: Mapped[date]
    term_end: Mapped[date]
    pay_grade: Mapped[str] = mapped_column(String(40), default="")
    hourly_rate: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    # The workflow
    status: Mapped[AppointmentStatus] = mapped_column(String(20), default=AppointmentStatus.DRAFT)
    proposed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    bureau_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    terminated_on: Mapped[date | None]
    termination_reason: Mapped[str] = mapped_column(String(500), default="")
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    school: Mapped[School] = relationship()
    agreement: Mapped[Upload | None] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    previous: Mapped[Appointment | None] = relationship(remote_side=[id])

    @property
    def last_day(self) -> date:
        return self.terminated_on or self.term_end

    def __str__(self) -> str:
        return f"{self.name} ({self.term_start}–{self.term_end})"


class CountyPartTimePolicy(db.Model):
    """What a county's bureau sets: the salary standard that funds part-time teachers (the
    average annual pay of in-establishment teachers at similar schools) and whether its
    schools' appointments need the bureau's approval as a second step."""

    __tablename__ = "county_part_time_policies"
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), primary_key=True)
    salary_standard: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=0)
    bureau_approval: Mapped[bool] = mapped_column(default=False)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county: Mapped[County] = relationship()

    @property
    def id(self) -> int:  # the audit log names records by id
        return self.county_id

    def __str__(self) -> str:
        return str(self.county)

"""Innovation teams with their members and reports; overseas study batches and nominations."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import School, Upload
from core.timeutil import utcnow
from teachers.models import Teacher


class TeamLevel(enum.StrEnum):
    SCHOOL = "school"
    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"


class TeamStatus(enum.StrEnum):
    DRAFT = "draft"
    APPLIED = "applied"
    APPROVED = "approved"  # 立项
    BUILDING = "building"
    ACCEPTED = "accepted"  # 验收
    FAILED = "failed"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class InnovationTeam(db.Model):
    __tablename__ = "innovation_teams"
    __table_args__ = (Index("ix_innovation_teams_school_status", "school_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    name: Mapped[str] = mapped_column(String(120))
    field: Mapped[str] = mapped_column(String(80))  # 专业(群)
    level_sought: Mapped[TeamLevel] = mapped_column(String(20))
    level: Mapped[TeamLevel | None] = mapped_column(String(20))  # as approved, then raised
    leader_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"))
    plan: Mapped[str] = mapped_column(Text, default="")  # building plan with yearly goals
    application_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    status: Mapped[TeamStatus] = mapped_column(String(20), default=TeamStatus.DRAFT)
    project_no: Mapped[str] = mapped_column(String(40), default="")
    building_start: Mapped[date | None]
    building_end: Mapped[date | None]
    decision_note: Mapped[str] = mapped_column(String(500), default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    school: Mapped[School] = relationship()
    leader: Mapped[Teacher] = relationship()
    application: Mapped[Upload | None] = relationship()
    members: Mapped[list[TeamMember]] = relationship(
        back_populates="team", cascade="all, delete-orphan", order_by="TeamMember.id"
    )
    reports: Mapped[list[TeamReport]] = relationship(
        back_populates="team", order_by="TeamReport.year"
    )
    level_changes: Mapped[list[TeamLevelChange]] = relationship(order_by="TeamLevelChange.id")

    def __str__(self) -> str:
        return self.name


class TeamMember(db.Model):
    """A teacher of the school, or a member from a partner school or an enterprise (by name)."""

    __tablename__ = "innovation_team_members"
    __table_args__ = (UniqueConstraint("team_id", "teacher_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("innovation_teams.id", ondelete="CASCADE"), index=True
    )
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teachers.id"), index=True)
    external_name: Mapped[str] = mapped_column(String(40), default="")
    external_employer: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(
        String(20), default="teacher"
    )  # teacher | partner | enterprise
    backbone: Mapped[bool] = mapped_column(default=False)  # 骨干教师

    team: Mapped[InnovationTeam] = relationship(back_populates="members")
    teacher: Mapped[Teacher | None] = relationship()

    @property
    def name(self) -> str:
        return self.teacher.name if self.teacher else self.external_name


class TeamReport(db.Model):
    """An annual progress report of a team under construction."""

    __tablename__ = "innovation_team_reports"
    __table_args__ = (UniqueConstraint("team_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("innovation_teams.id", ondelete="CASCADE"))
    year: Mapped[int]
    summary: Mapped[str] = mapped_column(Text)
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[InnovationTeam] = relationship(back_populates="reports")
    upload: Mapped[Upload | None] = relationship()


class TeamLevelChange(db.Model):
    __tablename__ = "innovation_team_level_changes"
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(
        ForeignKey("innovation_teams.id", ondelete="CASCADE"), index=True
    )
    from_level: Mapped[str | None] = mapped_column(String(20))
    to_level: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(200), default="")
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)


batch_teams = Table(
    "overseas_batch_teams",
    db.metadata,
    Column("batch_id", ForeignKey("overseas_batches.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("innovation_teams.id", ondelete="CASCADE"), primary_key=True),
)


class OverseasBatch(db.Model):
    """An organised group visit (成建制) abroad, e.g. to Germany or Italy."""

    __tablename__ = "overseas_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    theme: Mapped[str] = mapped_column(String(160))
    country: Mapped[str] = mapped_column(String(60))
    hosts: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[date]
    end_date: Mapped[date]
    funding_source: Mapped[str] = mapped_column(String(120), default="")
    budget_per_person: Mapped[float] = mapped_column(Numeric(10, 2), default=0)
    capacity: Mapped[int]
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))  # None: the bureau's
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    school: Mapped[School | None] = relationship()
    teams: Mapped[list[InnovationTeam]] = relationship(secondary=batch_teams)
    nominations: Mapped[list[Nomination]] = relationship(
        back_populates="batch", order_by="Nomination.id"
    )

    def __str__(self) -> str:
        return f"{self.country} · {self.theme}"


class NominationStatus(enum.StrEnum):
    NOMINATED = "nominated"
    SELECTED = "selected"
    DECLINED = "declined"  # not selected
    CONFIRMED = "confirmed"  # the teacher confirmed they go
    REPORTED = "reported"  # back, report filed: the visit counts


class Nomination(db.Model):
    __tablename__ = "overseas_nominations"
    __table_args__ = (UniqueConstraint("batch_id", "teacher_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("overseas_batches.id", ondelete="CASCADE"))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("teachers.id"), index=True)
    status: Mapped[NominationStatus] = mapped_column(String(20), default=NominationStatus.NOMINATED)
    nominated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    report_summary: Mapped[str] = mapped_column(Text, default="")
    report_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"))
    reported_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    batch: Mapped[OverseasBatch] = relationship(back_populates="nominations")
    teacher: Mapped[Teacher] = relationship()
    report: Mapped[Upload | None] = relationship()

    @property
    def school_id(self) -> int:
        return self.teacher.school_id

"""Competitions (技能大赛, 教学能力比赛 …), their events (赛项), entries and results."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import School, User
from core.timeutil import utcnow
from teachers.models import Teacher


class Series(enum.StrEnum):
    TEACHING_ABILITY = "teaching_ability"  # 教学能力比赛
    STUDENT_SKILLS = "student_skills"  # 学生技能大赛
    TEACHER_SKILLS = "teacher_skills"  # 教师技能比赛
    TEACHER_STUDENT = "teacher_student"  # 师生技能大赛
    OTHER = "other"


class Level(enum.StrEnum):
    SCHOOL = "school"
    COUNTY = "county"
    CITY = "city"
    PROVINCE = "province"
    NATIONAL = "national"
    WORLD = "world"


class Scheme(enum.StrEnum):
    PRIZES = "prizes"  # 一/二/三等奖 (+优胜奖)
    MEDALS = "medals"  # 金/银/铜


AWARDS = {
    Scheme.PRIZES: ("first", "second", "third", "merit"),
    Scheme.MEDALS: ("gold", "silver", "bronze"),
}


class CompetitionStatus(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # taking entries
    CLOSED = "closed"  # results being recorded
    PUBLISHED = "published"  # results public and locked


class Competition(db.Model):
    __tablename__ = "competitions"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    series: Mapped[Series] = mapped_column(String(30))
    level: Mapped[Level] = mapped_column(String(20))
    organizing_body: Mapped[str] = mapped_column(String(120), default="")
    year: Mapped[int] = mapped_column(index=True)
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    scheme: Mapped[Scheme] = mapped_column(String(10))
    registration_opens: Mapped[date | None]
    registration_closes: Mapped[date | None]
    mask_student_names: Mapped[bool] = mapped_column(default=True)
    status: Mapped[CompetitionStatus] = mapped_column(String(20), default=CompetitionStatus.DRAFT)
    published_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    events: Mapped[list[Event]] = relationship(back_populates="competition", order_by="Event.id")

    @property
    def awards(self) -> tuple[str, ...]:
        return AWARDS[Scheme(self.scheme)]

    def __str__(self) -> str:
        # Organizers often put the year in the name already ("2026年温州市…").
        return self.name if str(self.year) in self.name else f"{self.year} {self.name}"


class Event(db.Model):
    """A 赛项 of a competition."""

    __tablename__ = "competition_events"
    id: Mapped[int] = mapped_column(primary_key=True)
    competition_id: Mapped[int] = mapped_column(
        ForeignKey("competitions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    group: Mapped[str] = mapped_column(String(60), default="")  # 中职组 / 高职组 / course group
    team: Mapped[bool] = mapped_column(default=False)
    min_members: Mapped[int] = mapped_column(default=1)
    max_members: Mapped[int] = mapped_column(default=1)
    max_instructors: Mapped[int] = mapped_column(default=1)
    quota_per_school: Mapped[int | None]

    competition: Mapped[Competition] = relationship(back_populates="events")

    def __str__(self) -> str:
        return f"{self.name}{'（' + self.group + '）' if self.group else ''}"


class Student(db.Model):
    """A student, known by school and student number (no ID-card numbers); made once, reused."""

    __tablename__ = "students"
    __table_args__ = (UniqueConstraint("school_id", "student_no"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    student_no: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(40))


class Entry(db.Model):
    __tablename__ = "competition_entries"
    __table_args__ = (Index("ix_competition_entries_event_school", "event_id", "school_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("competition_events.id", ondelete="CASCADE"))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    award: Mapped[str | None] = mapped_column(String(10))
    rank: Mapped[int | None]
    score: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    result_recorded_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[Event] = relationship()
    school: Mapped[School] = relationship()
    people: Mapped[list[EntryPerson]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="EntryPerson.id"
    )

    @property
    def members(self) -> list[EntryPerson]:
        return [p for p in self.people if p.role == "member"]

    @property
    def instructors(self) -> list[EntryPerson]:
        return [p for p in self.people if p.role == "instructor"]

    def __str__(self) -> str:
        return f"{self.event} · {self.school.name}"


class EntryPerson(db.Model):
    """A member (teacher or student) or an instructor (指导教师, a teacher) of an entry."""

    __tablename__ = "competition_entry_people"
    __table_args__ = (
        Index("ix_entry_people_event_teacher", "event_id", "teacher_id"),
        Index("ix_entry_people_event_student", "event_id", "student_id"),
        # One school's participants (the boards' figures after a change at that school): from
        # its teachers and students to their entries, not through every entrant of the year.
        Index("ix_entry_people_teacher_event", "teacher_id", "event_id"),
        Index("ix_entry_people_student_event", "student_id", "event_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True
    )
    # Repeated from the entry so "nobody twice in one event" is one indexed look-up.
    event_id: Mapped[int] = mapped_column(ForeignKey("competition_events.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(12))  # member | instructor
    teacher_id: Mapped[int | None] = mapped_column(ForeignKey("teachers.id"))
    student_id: Mapped[int | None] = mapped_column(ForeignKey("students.id"))

    entry: Mapped[Entry] = relationship(back_populates="people")
    teacher: Mapped[Teacher | None] = relationship()
    student: Mapped[Student | None] = relationship()

    @property
    def name(self) -> str:
        return self.teacher.name if self.teacher else self.student.name if self.student else ""


class ResultRevision(db.Model):
    """A correction of a published result, with its reason."""

    __tablename__ = "competition_result_revisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("competition_entries.id", ondelete="CASCADE"), index=True
    )
    changes: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(String(500))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    by: Mapped[User | None] = relationship()

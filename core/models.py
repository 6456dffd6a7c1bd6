"""Core tables: accounts, organisation (counties, schools), audit log, rule versions, uploads."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from flask_login import UserMixin
from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .extensions import db
from .timeutil import utcnow


class Role(enum.StrEnum):
    TEACHER = "teacher"
    SCHOOL_HR = "school_hr"
    BUREAU = "bureau"
    ORGANIZER = "organizer"
    ADMIN = "admin"


class SchoolType(enum.StrEnum):
    HIGHER_VOCATIONAL = "higher_vocational"  # 高职院校
    TECHNICIAN = "technician"  # 技工院校
    SECONDARY = "secondary"  # 中职学校


class FounderType(enum.StrEnum):
    PUBLIC = "public"  # 公办
    PRIVATE = "private"  # 民办
    ENTERPRISE = "enterprise"  # 企业办
    MIXED = "mixed"  # 混合所有制


class County(db.Model):
    """A county-level unit of Wenzhou, or 市直属 for schools that report to the city."""

    __tablename__ = "counties"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    sort_order: Mapped[int] = mapped_column(default=0)

    schools: Mapped[list[School]] = relationship(back_populates="county")

    def __str__(self) -> str:
        return self.name


class School(db.Model):
    __tablename__ = "schools"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    type: Mapped[SchoolType] = mapped_column(String(20))
    founder: Mapped[FounderType] = mapped_column(String(20))
    county_id: Mapped[int] = mapped_column(ForeignKey("counties.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the record last changed: integrators sync with `updated_since`.
    updated_at: Mapped[datetime] = mapped_column(
        default=utcnow, onupdate=utcnow, server_default=func.now(), index=True
    )

    county: Mapped[County] = relationship(back_populates="schools")
    enrollments: Mapped[list[SchoolEnrollment]] = relationship(
        back_populates="school", order_by="SchoolEnrollment.year.desc()"
    )

    def __str__(self) -> str:
        return self.name


class SchoolEnrollment(db.Model):
    """Enrolled students of a school in a school year: the denominator of participation rates."""

    __tablename__ = "school_enrollments"
    __table_args__ = (UniqueConstraint("school_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    year: Mapped[int]
    students: Mapped[int]

    school: Mapped[School] = relationship(back_populates="enrollments")


class User(UserMixin, db.Model):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    display_name: Mapped[str] = mapped_column(String(60), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(String(20))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    # A bureau account with no county is the city bureau.
    county_id: Mapped[int | None] = mapped_column(ForeignKey("counties.id"))
    locale: Mapped[str | None] = mapped_column(String(12))
    email: Mapped[str] = mapped_column(String(120), default="")
    # Notifications by e-mail too: "each" as they come, a daily "digest", or "off".
    mail_notifications: Mapped[str] = mapped_column(String(10), default="each")
    enabled: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Bumped on password change or disable: every older session stops working.
    session_version: Mapped[int] = mapped_column(default=1)
    last_login_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    school: Mapped[School | None] = relationship()
    county: Mapped[County | None] = relationship()

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of inactive users
        return self.enabled

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles

    @property
    def is_city_bureau(self) -> bool:
        return self.role == Role.BUREAU and self.county_id is None

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(db.Model):
    """A Bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # None: until revoked (or the password changes)

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):
    """Who changed what, when: one row per create, update or state change."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_school_at", "school_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(60), default="")
    action: Mapped[str] = mapped_column(String(40))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    object_label: Mapped[str] = mapped_column(String(200), default="")
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(String(500), default="")

    actor: Mapped[User | None] = relationship()
    school: Mapped[School | None] = relationship()


class RuleVersion(db.Model):
    """A dated value of a named rule (national → province → city); the newest in force wins."""

    __tablename__ = "rule_versions"
    __table_args__ = (UniqueConstraint("key", "valid_from"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(60), index=True)
    value: Mapped[Any] = mapped_column(JSON)
    valid_from: Mapped[date]
    level: Mapped[str] = mapped_column(String(20), default="city")
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by: Mapped[User | None] = relationship()


class Upload(db.Model):
    """A stored evidence file; the record that owns it decides who may download it."""

    __tablename__ = "uploads"
    id: Mapped[int] = mapped_column(primary_key=True)
    storage_name: Mapped[str] = mapped_column(String(80), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Notification(db.Model):
    """An in-app message. `key` makes a job's notice idempotent: running twice sends it once."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_user_unread", "user_id", "read_at"),
        Index("ix_notifications_mail_status", "mail_status"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str] = mapped_column(String(200), default="")
    key: Mapped[str] = mapped_column(String(120), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    # Its e-mail: "" (none), "queued", "sending", "sent", "digest" (waits for the daily one),
    # "skipped" (the reader has no address or turned mail off), "failed" (after every try).
    mail_status: Mapped[str] = mapped_column(String(10), default="")
    mail_attempts: Mapped[int] = mapped_column(default=0)
    mail_next_at: Mapped[datetime | None]


class TaskStatus(enum.StrEnum):
    QUEUED = "queued"  # waiting for a worker (also between two tries)
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class Task(db.Model):
    """Long work run by a worker (a batch of certificates, a big import or export): who started
    it, how far it is, and its file or its error. The queue only carries the task's id; this row
    is the truth, so any web machine can show it and any worker can run it."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_started_by_created", "started_by_id", "created_at"),
        Index("ix_tasks_status_lease", "status", "lease_until"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(60))
    status: Mapped[TaskStatus] = mapped_column(String(10), default=TaskStatus.QUEUED)
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200), default="")  # what it is about, e.g. a school
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int | None]
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    error: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # a summary or the errors
    file_key: Mapped[str | None] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(200), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    file_size: Mapped[int | None]
    lease_until: Mapped[datetime | None]  # a running task whose lease ran out lost its worker
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]  # its file is removed then

    started_by: Mapped[User | None] = relationship()


class RateLimitCounter(db.Model):
    """Fixed-window counters for rate limits when no Redis is configured: the database is what
    every web machine already shares."""

    __tablename__ = "rate_limit_counters"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(primary_key=True)  # epoch seconds
    hits: Mapped[int] = mapped_column(default=0)


class JobLock(db.Model):
    """Who runs a scheduled job now (SQLite; PostgreSQL uses an advisory lock): two schedulers,
    or a scheduler and `jobs run`, never run the same job at the same time."""

    __tablename__ = "job_locks"
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    holder: Mapped[str] = mapped_column(String(80), default="")
    locked_until: Mapped[datetime]


class Heartbeat(db.Model):
    """The last sign of life of a background process (the scheduler), for /healthz."""

    __tablename__ = "heartbeats"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    at: Mapped[datetime]
    host: Mapped[str] = mapped_column(String(120), default="")


class Seal(db.Model):
    """An issuing body's seal (公章) as a transparent image, pressed on the documents it issues:
    the city bureau's (`city`) on certificates and the city's reports, a county bureau's
    (`county:<code>`) on its reports, a school's (`school:<code>`) on its records and reports."""

    __tablename__ = "seals"
    __table_args__ = (Index("ix_seals_issuer", "issuer", "uploaded_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # Every seal the body has used: the one in force has no `replaced_at`; a document prints the
    # one in force on its issue date (core.seals.in_force).
    issuer: Mapped[str] = mapped_column(String(40))
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_at: Mapped[datetime | None]  # replaced by a new one, or removed

    upload: Mapped[Upload] = relationship()
    uploaded_by: Mapped[User | None] = relationship()

    def __str__(self) -> str:
        return self.issuer


class ImportBatch(db.Model):
    """One confirmed import of a workbook (导入): who brought which records in, and when. An
    imported record points here (ImportedRecord), so its page can say where it came from."""

    __tablename__ = "import_batches"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="SET NULL"))
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    filename: Mapped[str] = mapped_column(String(200), default="")
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)

    by: Mapped[User | None] = relationship()
    school: Mapped[School | None] = relationship()


class ImportedRecord(db.Model):
    """A record an import created (its table and id): its provenance."""

    __tablename__ = "imported_records"
    __table_args__ = (UniqueConstraint("record_table", "record_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    record_table: Mapped[str] = mapped_column(String(60))
    record_id: Mapped[int]

    batch: Mapped[ImportBatch] = relationship()

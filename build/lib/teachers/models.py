"""Teachers (教师) and their skill certificates (职业技能等级证书 …)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core.extensions import db
from core.models import School, Upload, User
from core.timeutil import utcnow


class Gender(enum.StrEnum):
    MALE = "male"
    FEMALE = "female"


class Employment(enum.StrEnum):
    ESTABLISHMENT = "establishment"  # 在编
    CONTRACT = "contract"  # 合同


class Title(enum.StrEnum):
    """职称, in rank order."""

    NONE = "none"  # 未评
    JUNIOR = "junior"  # 初级
    INTERMEDIATE = "intermediate"  # 中级
    ASSOCIATE_SENIOR = "associate_senior"  # 副高级
    SENIOR = "senior"  # 正高级

    @property
    def rank(self) -> int:
        return list(Title).index(self)


class Education(enum.StrEnum):
    SECONDARY = "secondary"  # 中专/高中
    JUNIOR_COLLEGE = "junior_college"  # 大专
    BACHELOR = "bachelor"  # 本科
    MASTER = "master"  # 硕士研究生
    DOCTORATE = "doctorate"  # 博士研究生


class TeacherStatus(enum.StrEnum):
    ACTIVE = "active"
    LEFT = "left"


class CertificateKind(enum.StrEnum):
    SKILL_LEVEL = "skill_level"  # 职业技能等级证书
    VOCATIONAL_QUALIFICATION = "vocational_qualification"  # 职业资格证书
    PROFESSIONAL_QUALIFICATION = "professional_qualification"  # 专业技术资格证书
    OTHER = "other"


class SkillLevel(enum.StrEnum):
    """职业技能等级, from 五级 (初级工) up to 一级 (高级技师)."""

    LEVEL5 = "level5"  # 五级/初级工
    LEVEL4 = "level4"  # 四级/中级工
    LEVEL3 = "level3"  # 三级/高级工
    LEVEL2 = "level2"  # 二级/技师
    LEVEL1 = "level1"  # 一级/高级技师


class Teacher(db.Model):
    __tablename__ = "teachers"
    __table_args__ = (
        UniqueConstraint("school_id", "staff_no"),
        # A school's teachers in post by kind and title: the roster's filters, and per-school
        # counts the dashboard reads from the index alone.
        Index(
            "ix_teachers_school_status_professional_title",
            "school_id",
            "status",
            "professional",
            "title",
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    staff_no: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(40), index=True)
    gender: Mapped[Gender] = mapped_column(String(10))
    birth_date: Mapped[date | None]
    department: Mapped[str] = mapped_column(String(80), default="")  # 系部/专业
    professional: Mapped[bool] = mapped_column(default=True)  # 专业教师
    practice_instructor: Mapped[bool] = mapped_column(default=False)  # 实习指导教师
    employment: Mapped[Employment] = mapped_column(String(20))
    hire_date: Mapped[date]
    title: Mapped[Title] = mapped_column(String(20), default=Title.NONE)
    # 职称 as the school writes it (讲师, 高级讲师 …); `title` is the level it maps to.
    title_name: Mapped[str] = mapped_column(String(30), default="")
    title_date: Mapped[date | None]
    education: Mapped[Education | None] = mapped_column(String(20))
    enterprise_months: Mapped[int] = mapped_column(default=0)  # prior enterprise experience
    qualification_cert_no: Mapped[str] = mapped_column(String(40), default="")  # 教师资格证书
    phone: Mapped[str] = mapped_column(String(20), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[TeacherStatus] = mapped_column(String(10), default=TeacherStatus.ACTIVE)
    leave_date: Mapped[date | None]
    leave_reason: Mapped[str] = mapped_column(String(200), default="")
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)

    school: Mapped[School] = relationship()
    # The account of a teacher; core's User gains `.teacher` without importing this package.
    user: Mapped[User | None] = relationship(backref=backref("teacher", uselist=False))
    certificates: Mapped[list[SkillCertificate]] = relationship(
        back_populates="teacher",
        order_by="SkillCertificate.issued_on.desc()",
        cascade="all, delete-orphan",
    )

    @property
    def active(self) -> bool:
        return self.status == TeacherStatus.ACTIVE

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_no})"


class SkillCertificate(db.Model):
    __tablename__ = "skill_certificates"
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(
        ForeignKey("teachers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[CertificateKind] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(100))
    level: Mapped[SkillLevel | None] = mapped_column(String(10))
    issuer: Mapped[str] = mapped_column(String(100), default="")
    number: Mapped[str] = mapped_column(String(60), default="")
    issued_on: Mapped[date]
    expires_on: Mapped[date | None]
    scan_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    teacher: Mapped[Teacher] = relationship(back_populates="certificates")
    scan: Mapped[Upload | None] = relationship()

    @property
    def school_id(self) -> int:  # audit entries are scoped to the teacher's school
        return self.teacher.school_id

    def __str__(self) -> str:
        return self.name

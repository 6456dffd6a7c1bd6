"""The title-review prerequisite (职称评审前置条件): who intends to apply this year, and whether
their practice meets the requirement."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, func, select

from core import audit
from core.errors import Conflict, PermissionDenied
from core.extensions import db
from core.models import Role, User
from core.rules import get_rule
from teachers.models import Teacher, TeacherStatus

from .ledger import Window, days_by_teacher, falls_short
from .models import TitleReviewIntent


def can_declare(user: User, teacher: Teacher) -> bool:
    if user.role == Role.TEACHER:
        return teacher.user_id == user.id
    return user.role == Role.SCHOOL_HR and user.school_id == teacher.school_id


def declare(teacher: Teacher, year: int, by: User) -> TitleReviewIntent:
    if not can_declare(by, teacher):
        raise PermissionDenied(_("You may not declare this for this teacher."))
    if teacher.status != TeacherStatus.ACTIVE:
        raise Conflict(_("This teacher has left."))
    intent = db.session.scalar(
        select(TitleReviewIntent).where(
            TitleReviewIntent.teacher_id == teacher.id, TitleReviewIntent.year == year
        )
    )
    if intent is not None:
        return intent
    intent = TitleReviewIntent(teacher_id=teacher.id, year=year, declared_by_id=by.id)
    db.session.add(intent)
    db.session.flush()
    audit.record("title_review_declared", teacher, by=by, changes={"title_review": [None, year]})
    return intent


def withdraw(teacher: Teacher, year: int, by: User) -> None:
    if not can_declare(by, teacher):
        raise PermissionDenied(_("You may not declare this for this teacher."))
    intent = db.session.scalar(
        select(TitleReviewIntent).where(
            TitleReviewIntent.teacher_id == teacher.id, TitleReviewIntent.year == year
        )
    )
    if intent is None:
        return
    db.session.delete(intent)
    audit.record("title_review_withdrawn", teacher, by=by, changes={"title_review": [year, None]})
    db.session.flush()


def intending(school_id: int, year: int) -> Select[tuple[Teacher]]:
    return (
        select(Teacher)
        .join(TitleReviewIntent, TitleReviewIntent.teacher_id == Teacher.id)
        .where(Teacher.school_id == school_id, TitleReviewIntent.year == year)
        .order_by(Teacher.staff_no)
    )


def short_of_practice(school_id: int, on: date) -> Select[tuple[Teacher]]:
    """The title-review shortfall, its one definition: teachers declared for `on`'s year whose
    enterprise practice in the window ending `on` falls short of the rule (the HR inbox counts
    them, the title-review page lists them)."""
    days = days_by_teacher(Window.ending(on)).subquery()
    return (
        intending(school_id, on.year)
        .outerjoin(days, days.c.teacher_id == Teacher.id)
        .where(falls_short(days.c[1], get_rule("practice_days_required", on)))
    )


def count(query: Select[tuple[Teacher]]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))


def has_declared(teacher: Teacher, year: int) -> bool:
    return (
        db.session.scalar(
            select(TitleReviewIntent.id).where(
                TitleReviewIntent.teacher_id == teacher.id, TitleReviewIntent.year == year
            )
        )
        is not None
    )

"""Who may see and act on placements (the transition table names the actor for each step)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from core.models import Role, User
from core.permissions import in_school_scope, school_scope
from teachers.models import Teacher

from .models import EnterpriseJob, Placement


def visible_placements(user: User) -> Select[tuple[Placement]]:
    return _visible(select(Placement), Placement, user)


def visible_jobs(user: User) -> Select[tuple[EnterpriseJob]]:
    """The part-time enterprise jobs `user` may see: as `can_view` decides for one."""
    return _visible(select(EnterpriseJob), EnterpriseJob, user)


def _visible(query: Select[Any], model: Any, user: User) -> Select[Any]:
    query = query.join(Teacher, model.teacher_id == Teacher.id)
    if user.role == Role.TEACHER:
        return query.where(Teacher.user_id == user.id)
    return query.where(school_scope(user, Teacher.school_id))


def is_owner(user: User, record: Placement | EnterpriseJob) -> bool:
    return user.role == Role.TEACHER and record.teacher.user_id == user.id


def is_school_hr(user: User, record: Placement | EnterpriseJob) -> bool:
    """HR of the teacher's school (never for their own record)."""
    return (
        user.role == Role.SCHOOL_HR
        and user.school_id == record.teacher.school_id
        and record.teacher.user_id != user.id
    )


def can_view(user: User, record: Placement | EnterpriseJob) -> bool:
    return is_owner(user, record) or (
        user.role != Role.TEACHER and in_school_scope(user, record.teacher.school)
    )


def can_log_for(user: User, teacher: Teacher) -> bool:
    """A teacher logs their own placements (HR may help, for their school)."""
    if user.role == Role.TEACHER:
        return teacher.user_id == user.id
    return user.role == Role.SCHOOL_HR and user.school_id == teacher.school_id


def can_edit(user: User, placement: Placement) -> bool:
    return can_log_for(user, placement.teacher)

"""Who may see and change which teacher: the questions asked by pages and API alike."""

from __future__ import annotations

from sqlalchemy import Select, select

from core.models import Role, School, User
from core.permissions import in_school_scope, school_scope

from .models import Teacher


def visible_teachers(user: User) -> Select[tuple[Teacher]]:
    """Teachers `user` may see: a teacher themself, HR their school, a county bureau its
    county, the city bureau and admin everyone."""
    if user.role == Role.TEACHER:
        return select(Teacher).where(Teacher.user_id == user.id)
    return select(Teacher).where(school_scope(user, Teacher.school_id))


def can_view(user: User, teacher: Teacher) -> bool:
    if user.role == Role.TEACHER:
        return teacher.user_id == user.id
    return in_school_scope(user, teacher.school)


def can_manage_school(user: User, school: School | None) -> bool:
    """Create, edit and import teachers of `school`: its HR, or an admin."""
    if school is None:
        return False
    return user.role == Role.ADMIN or (user.role == Role.SCHOOL_HR and user.school_id == school.id)


def can_edit(user: User, teacher: Teacher) -> bool:
    return can_manage_school(user, teacher.school)


def can_edit_contact(user: User, teacher: Teacher) -> bool:
    return can_edit(user, teacher) or (user.role == Role.TEACHER and teacher.user_id == user.id)

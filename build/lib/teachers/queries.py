"""The teacher list as the user filtered it: one query for the page, the export and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_
from sqlalchemy.orm import joinedload

from core.models import School, User

from .models import Teacher, TeacherStatus, Title
from .permissions import visible_teachers

SORTS = {
    "name": (Teacher.name, Teacher.id),
    "staff_no": (Teacher.staff_no, Teacher.id),
    "hire_date": (Teacher.hire_date.desc(), Teacher.id),
    "school": (Teacher.school_id, Teacher.staff_no),
}


@dataclass
class TeacherFilters:
    q: str = ""
    school: str = ""
    department: str = ""
    professional: str = ""  # "1", "0" or ""
    title: str = ""
    status: str = "active"  # "active", "left" or "all"
    sort: str = "school"

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> TeacherFilters:
        f = cls(**{k: (args.get(k) or "").strip() for k in cls.__dataclass_fields__ if k in args})
        if f.status not in {"active", "left", "all"}:
            f.status = "active"
        if f.sort not in SORTS:
            f.sort = "school"
        return f

    def as_args(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def filtered_teachers(user: User, f: TeacherFilters) -> Select[tuple[Teacher]]:
    query = visible_teachers(user).options(joinedload(Teacher.school))
    if f.q:
        like = f"%{f.q.lower()}%"
        query = query.where(
            or_(func.lower(Teacher.name).like(like), func.lower(Teacher.staff_no).like(like))
        )
    if f.school:
        query = query.where(
            Teacher.school_id.in_(
                School.__table__.select()
                .with_only_columns(School.id)
                .where(School.code == f.school)
            )
        )
    if f.department:
        query = query.where(Teacher.department.like(f"%{f.department}%"))
    if f.professional in {"1", "0"}:
        query = query.where(Teacher.professional.is_(f.professional == "1"))
    if f.title in set(Title):
        query = query.where(Teacher.title == f.title)
    if f.status != "all":
        query = query.where(Teacher.status == TeacherStatus(f.status))
    return query.order_by(*SORTS[f.sort])


def in_post_on(day: Any) -> ColumnElement[bool]:
    """Teachers in post on `day` (a date or a bound parameter): hired by then and not yet left
    (a teacher who left later still counts for a figure taken on an earlier day)."""
    return and_(
        Teacher.hire_date <= day,
        or_(Teacher.status == TeacherStatus.ACTIVE, Teacher.leave_date > day),
    )


def active_professional_on(day: Any) -> ColumnElement[bool]:
    """Professional teachers in post on `day`: the one base of the dual-qualified ratio, the
    part-time share and cap, and the plan's other per-teacher figures."""
    return and_(Teacher.professional.is_(True), in_post_on(day))

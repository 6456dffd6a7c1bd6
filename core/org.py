"""Organisation: Wenzhou's counties and its vocational schools."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from . import audit
from .errors import ValidationFailed
from .extensions import db
from .models import County, FounderType, Role, School, SchoolEnrollment, SchoolType, User
from .permissions import school_scope

# A filter offers the schools as a menu up to this many; beyond (a province), a menu of thousands
# is neither readable nor cheap to send, and each page offers another way to choose one.
SCHOOL_MENU = 300

# The 12 county-level units (administrative division codes) and 市直属 for city-level schools.
WENZHOU_COUNTIES = [
    ("330300", "市直属"),
    ("330302", "鹿城区"),
    ("330303", "龙湾区"),
    ("330304", "瓯海区"),
    ("330305", "洞头区"),
    ("330381", "瑞安市"),
    ("330382", "乐清市"),
    ("330383", "龙港市"),
    ("330324", "永嘉县"),
    ("330326", "平阳县"),
    ("330327", "苍南县"),
    ("330328", "文成县"),
    ("330329", "泰顺县"),
]

SCHOOL_TYPE_LABELS = {
    SchoolType.HIGHER_VOCATIONAL: _l("Higher vocational college"),
    SchoolType.TECHNICIAN: _l("Technician school"),
    SchoolType.SECONDARY: _l("Secondary vocational school"),
}
FOUNDER_LABELS = {
    FounderType.PUBLIC: _l("Public"),
    FounderType.PRIVATE: _l("Private"),
    FounderType.ENTERPRISE: _l("Enterprise-run"),
    FounderType.MIXED: _l("Mixed ownership"),
}

SCHOOL_CODE = re.compile(r"^[A-Za-z0-9-]{2,20}$")


def ensure_counties() -> int:
    """Create the counties that are missing; returns how many were added. Safe to run twice."""
    existing = set(db.session.scalars(select(County.code)))
    added = 0
    for order, (code, name) in enumerate(WENZHOU_COUNTIES):
        if code not in existing:
            db.session.add(County(code=code, name=name, sort_order=order))
            added += 1
    db.session.flush()
    return added


def counties() -> list[County]:
    return list(db.session.scalars(select(County).order_by(County.sort_order, County.code)))


def county_by_code(code: str) -> County | None:
    return db.session.scalar(select(County).where(County.code == code))


def school_by_code(code: str) -> School | None:
    return db.session.scalar(select(School).where(School.code == code))


def visible_schools(user: User) -> Select[tuple[School]]:
    query = select(School).order_by(School.code)
    if user.role == Role.ORGANIZER:  # organizers register entries from every school
        return query
    if user.role == Role.TEACHER:
        return query.where(School.id == user.school_id)
    return query.where(school_scope(user, School.id))


def _check_school(data: dict[str, Any], school: School | None) -> None:
    errors: dict[str, str] = {}
    code = (data.get("code") or "").strip()
    name = (data.get("name") or "").strip()
    if not SCHOOL_CODE.match(code):
        errors["code"] = _("Use 2–20 letters, digits or '-'.")
    else:
        other = school_by_code(code)
        if other is not None and other is not school:
            errors["code"] = _("Another school already has this code.")
    if not name:
        errors["name"] = _("Enter the school's name.")
    else:
        other = db.session.scalar(select(School).where(School.name == name))
        if other is not None and other is not school:
            errors["name"] = _("Another school already has this name.")
    if data.get("type") not in set(SchoolType):
        errors["type"] = _("Choose a school type.")
    if data.get("founder") not in set(FounderType):
        errors["founder"] = _("Choose a founder type.")
    if data.get("county_id") is None or db.session.get(County, data["county_id"]) is None:
        errors["county_id"] = _("Choose a county.")
    if errors:
        raise ValidationFailed(errors)


FIELDS = ("code", "name", "type", "founder", "county_id")


def create_school(data: dict[str, Any], by: User | None) -> School:
    _check_school(data, None)
    school = School(
        **{k: (data[k].strip() if isinstance(data[k], str) else data[k]) for k in FIELDS}
    )
    db.session.add(school)
    db.session.flush()
    audit.record("create", school, by=by, changes={k: [None, data[k]] for k in FIELDS})
    db.session.flush()
    return school


def update_school(school: School, data: dict[str, Any], by: User) -> School:
    _check_school(data, school)
    for key in FIELDS:
        value = data[key]
        setattr(school, key, value.strip() if isinstance(value, str) else value)
    audit.record_changes("update", school, by=by)
    return school


def set_enrollment(school: School, year: int, students: int, by: User | None) -> SchoolEnrollment:
    errors = {}
    if not 2000 <= year <= 2100:
        errors["year"] = _("Enter a school year such as 2025.")
    if students < 0 or students > 200_000:
        errors["students"] = _("Enter a number of students between 0 and 200,000.")
    if errors:
        raise ValidationFailed(errors)
    row = db.session.scalar(
        select(SchoolEnrollment).where(
            SchoolEnrollment.school_id == school.id, SchoolEnrollment.year == year
        )
    )
    old = row.students if row else None
    if row is None:
        row = SchoolEnrollment(school_id=school.id, year=year, students=students)
        db.session.add(row)
    row.students = students
    if old != students:
        audit.record(
            "enrollment_set",
            school,
            by=by,
            changes={f"students_{year}": [old, students]},
        )
    db.session.flush()
    return row

"""Scopes a figure covers: the city, a county, a school; and who may see which.

The city bureau and administrators see the city and everything in it, a county bureau its
county and its schools, school HR their school. Teachers and organizers have no dashboard.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from core.models import Role, User
from core.permissions import reaches_whole_city

from .indicators import SchoolRow

DASHBOARD_ROLES = (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)


@dataclass(frozen=True)
class Scope:
    kind: str  # "city" | "county" | "school"
    code: str  # "" for the city
    name: str
    school_ids: tuple[int, ...]
    county_code: str = ""  # of a school: its county, for the way back up

    @property
    def key(self) -> str:
        return "city" if self.kind == "city" else f"{self.kind}:{self.code}"


def home_scope(user: User) -> str:
    """Where a user's dashboard opens."""
    if user.role == Role.SCHOOL_HR and user.school is not None:
        return f"school:{user.school.code}"
    if user.role == Role.BUREAU and user.county is not None:
        return f"county:{user.county.code}"
    return "city"


def find(text: str | None, user: User, schools: list[SchoolRow]) -> Scope | None:
    """The scope `text` names (the user's own when empty), or None if there is no such scope."""
    text = (text or "").strip() or home_scope(user)
    kind, _sep, code = text.partition(":")
    if kind == "city" and not code:
        return Scope("city", "", _("Wenzhou"), tuple(s.id for s in schools))
    if kind == "county":
        members = [s for s in schools if s.county_code == code]
        if not members:
            return None
        return Scope("county", code, members[0].county_name, tuple(s.id for s in members))
    if kind == "school":
        school = next((s for s in schools if s.code == code), None)
        if school is None:
            return None
        return Scope("school", school.code, school.name, (school.id,), school.county_code)
    return None


def may_see(user: User, scope: Scope, schools: list[SchoolRow]) -> bool:
    if reaches_whole_city(user):
        return True
    if user.role == Role.BUREAU and user.county is not None:
        county = user.county_id  # once: `user` may be current_user, a proxy, and a province
        county_ids = {s.id for s in schools if s.county_id == county}  # has 4,050 schools
        return scope.kind != "city" and set(scope.school_ids) <= county_ids
    if user.role == Role.SCHOOL_HR:
        return scope.kind == "school" and scope.school_ids == (user.school_id,)
    return False


def children(scope: Scope, schools: list[SchoolRow]) -> list[Scope]:
    """The city's counties, or a county's schools (what the table below the cards lists)."""
    if scope.kind == "city":
        counties: dict[str, list[SchoolRow]] = {}
        for s in schools:
            counties.setdefault(s.county_code, []).append(s)
        return [
            Scope("county", code, members[0].county_name, tuple(m.id for m in members))
            for code, members in counties.items()
        ]
    if scope.kind == "county":
        return [
            Scope("school", s.code, s.name, (s.id,), s.county_code)
            for s in schools
            if s.id in scope.school_ids
        ]
    return []

"""Role guards for views and API handlers, and the one place a 'no' becomes a 403.

Object questions (may this user see this teacher?) live in each domain's permissions module;
views ask them and call `require` with the answer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, Select, false, select, true
from werkzeug.exceptions import Forbidden, Unauthorized

from .errors import wants_json
from .models import Role, School, User


def require(allowed: bool) -> None:
    """Turn a permission answer into a 403 (a JSON body for the API, a page otherwise)."""
    if not allowed:
        raise Forbidden()


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Signed-in users with one of `roles` (any role when none are named)."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                if wants_json():
                    raise Unauthorized()
                return redirect(url_for("core.login", next=request.full_path.rstrip("?")))
            if roles and current_user.role not in roles:
                raise Forbidden()
            return fn(*args, **kwargs)

        return wrapper

    return decorator


login_required = roles_required()


def can_view_audit(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)


def can_edit_school(user: User, school_id: int | None = None) -> bool:
    """Admin edits any school; school HR keeps their own school's enrolment figures."""
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.SCHOOL_HR and school_id is not None and user.school_id == school_id


def can_view_school(user: User, school: Any) -> bool:
    return user.role == Role.ORGANIZER or in_school_scope(user, school)


# --- the school hierarchy: HR their school, a county bureau its county, the city everything ---


def reaches_whole_city(user: User) -> bool:
    """The administrator and the city's bureau reach every school."""
    return user.role == Role.ADMIN or user.is_city_bureau


def in_school_scope(user: User, school: School) -> bool:
    """Whether `school`'s records are within `user`'s administrative reach."""
    if reaches_whole_city(user):
        return True
    if user.role == Role.BUREAU:
        return school.county_id == user.county_id
    if user.role == Role.SCHOOL_HR:
        return school.id == user.school_id
    return False


def school_scope(user: User, school_id: ColumnElement[Any]) -> ColumnElement[bool]:
    """The same reach as a query condition on a column holding a school id."""
    if reaches_whole_city(user):
        return true()
    if user.role == Role.BUREAU:
        return school_id.in_(select(School.id).where(School.county_id == user.county_id))
    if user.role == Role.SCHOOL_HR:
        return school_id == user.school_id
    return false()


def newest_first(
    query: Select[Any], id_column: Any, user: User, narrowed: bool = False
) -> Select[Any]:
    """`query` newest first (by `id_column`, its table's key). For a part of the city (a school's
    HR, a county's bureau, a teacher, or a list `narrowed` to a school) by an expression no
    index holds: by the key, PostgreSQL may walk a whole table backwards hoping to meet the
    part's rows soon, and the first school's are the oldest (15 s over a nation's 10.8 M
    placements). Read first, the part's rows are sorted in milliseconds; the whole city's list
    keeps the index's order (its page 100 of placements: 85 ms)."""
    whole = reaches_whole_city(user) and not narrowed
    return query.order_by((id_column if whole else id_column + 0).desc())

"""Hand-overs: every state change tells the people who must act next, and the person the record
belongs to, in the same transaction as the change (a rolled-back change tells no one).

A workflow declares, per action, who is told with which message and where the link leads
(`Notice`); its transition table carries the declaration, and the service that changes the state
calls `announce` once the change is made. The message is stored as a kind and parameters, so each
reader sees it in their own language.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, exists, or_, select

from .extensions import db
from .models import Role, School, User
from .notifications import notify


@dataclass(frozen=True)
class Notice:
    kind: str  # a notification kind registered with its message
    to: Callable[[Any], Iterable[int | None]]  # the user ids told
    link: Callable[[Any], str]
    params: Callable[[Any], dict[str, Any]]


Notices = Mapping[str, Sequence[Notice]]


def announce(notices: Notices, record: Any, action: str, by: User | None) -> int:
    """Send the notices declared for `action`; the person who acted is not told of their own
    step. Returns how many people were told."""
    told = 0
    for notice in notices.get(action, ()):
        params = notice.params(record)
        link = notice.link(record)
        stamp = secrets.token_hex(6)
        for user_id in {u for u in notice.to(record) if u is not None}:
            if by is not None and user_id == by.id:
                continue
            notify(user_id, notice.kind, key=f"{notice.kind}:{record.id}:{user_id}:{stamp}",
                   link=link, **params)  # fmt: skip
            told += 1
    return told


def _enabled(query):  # type: ignore[no-untyped-def]
    return query.where(User.enabled.is_(True))


def school_hr(school_id: int) -> list[int]:
    """The HR accounts of a school."""
    return list(
        db.session.scalars(
            _enabled(
                select(User.id).where(User.role == Role.SCHOOL_HR, User.school_id == school_id)
            )
        )
    )


def bureau_for(school_id: int | None = None) -> list[int]:
    """The bureau accounts responsible for a school: its county's and the city's (the city's
    alone when no school is named)."""
    county = (
        select(School.county_id).where(School.id == school_id).scalar_subquery()
        if school_id is not None
        else None
    )
    reach = (
        User.county_id.is_(None)
        if county is None
        else or_(User.county_id.is_(None), User.county_id == county)
    )
    return list(
        db.session.scalars(_enabled(select(User.id).where(User.role == Role.BUREAU, reach)))
    )


def _county_bureau_exists(county: Any) -> ColumnElement[bool]:
    return exists(
        _enabled(select(User.id).where(User.role == Role.BUREAU, User.county_id == county))
    )


def answering_bureau(school_id: int) -> list[int]:
    """The bureau accounts that take a school's bureau step (a second approval): its county's,
    or the city's where the county has no bureau account of its own. One group, never both: a
    step in two bureaus' 待办 would be done by whichever looked first, or by neither."""
    county = select(School.county_id).where(School.id == school_id).scalar_subquery()
    return list(db.session.scalars(_enabled(
        select(User.id).where(
            User.role == Role.BUREAU,
            or_(User.county_id == county,
                User.county_id.is_(None) & ~_county_bureau_exists(county)),
        )
    )))  # fmt: skip


def answers_as_bureau(user: User | None, school_id: Any) -> Any:
    """`answering_bureau` from the other side: the schools (a condition on a column holding a
    school id) whose bureau step `user` takes; None for who takes none."""
    if user is None or user.role != Role.BUREAU:
        return None
    # Correlated with the outer query's table however deep it stands (inside EXISTS too).
    county = (
        select(School.county_id)
        .where(School.id == school_id)
        .correlate_except(School)
        .scalar_subquery()
    )
    if user.county_id is not None:
        return county == user.county_id
    return ~_county_bureau_exists(county)

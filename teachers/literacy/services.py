"""Digital literacy: opening a round, recording a teacher's result (a retake replaces the current
one and keeps the history), and the pass rule, which is a dated rule the administrator changes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import or_, select, update
from sqlalchemy.orm import joinedload

from core import audit
from core.errors import PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role, User
from core.notifications import notify
from core.permissions import in_school_scope, school_scope
from core.rules import get_rule
from teachers.models import Teacher

from . import labels
from .models import DIMENSIONS, IN_POST, PROFESSIONAL, LiteracyResult, LiteracyRound

DEFAULT_MAXIMA = dict.fromkeys(DIMENSIONS, 20)  # five dimensions of 20: a total of 100


# --- who may do what ------------------------------------------------------------------------------


def may_open(user: User, school_id: int | None) -> bool:
    """The bureau opens the city's rounds; a school's HR opens rounds for its own teachers."""
    if school_id is None:
        return user.role in (Role.BUREAU, Role.ADMIN)
    return user.role in (Role.BUREAU, Role.ADMIN) or (
        user.role == Role.SCHOOL_HR and user.school_id == school_id
    )


def visible_rounds(user: User):  # type: ignore[no-untyped-def]
    """The city's rounds and those of the schools within the user's reach."""
    query = select(LiteracyRound).order_by(LiteracyRound.year.desc(), LiteracyRound.id.desc())
    if user.role == Role.TEACHER:
        return query.where(
            or_(LiteracyRound.school_id.is_(None), LiteracyRound.school_id == user.school_id)
        )
    return query.where(
        or_(LiteracyRound.school_id.is_(None), school_scope(user, LiteracyRound.school_id))
    )


def school_of_new_round(user: User) -> int | None:
    """Whose round `user` opens: HR their school's, the bureau and admin the city's (None)."""
    return user.school_id if user.role == Role.SCHOOL_HR else None


def visible_round(user: User, round_id: int) -> LiteracyRound | None:
    return db.session.scalar(visible_rounds(user).where(LiteracyRound.id == round_id))


def teacher_in_reach(user: User, staff_no: str) -> Teacher | None:
    """The teacher with this staff number at a school within `user`'s reach."""
    return db.session.scalar(
        select(Teacher).where(
            Teacher.staff_no == (staff_no or "").strip(),
            school_scope(user, Teacher.school_id),
        )
    )


def not_in_reach() -> ValidationFailed:
    return ValidationFailed({"staff_no": _("No teacher of your schools has this staff number.")})


def may_record(user: User, round_: LiteracyRound, teacher: Teacher) -> bool:
    """HR of the teacher's school, or the bureau over it, for a round the teacher takes."""
    if round_.school_id is not None and round_.school_id != teacher.school_id:
        return False
    if user.role == Role.SCHOOL_HR:
        return user.school_id == teacher.school_id
    return user.role in (Role.BUREAU, Role.ADMIN) and in_school_scope(user, teacher.school)


# --- the pass rule --------------------------------------------------------------------------------


def passes(scores: dict[str, Any], maxima: dict[str, Any], on: date) -> bool:
    """The rule in force on `on`: a total of at least `total_min`, and no dimension below
    `dimension_share_min` of its maximum."""
    rule = get_rule("literacy_pass_rule", on)
    total = sum(Decimal(str(scores[d])) for d in DIMENSIONS)
    if total < Decimal(str(rule["total_min"])):
        return False
    share = Decimal(str(rule["dimension_share_min"]))
    return all(Decimal(str(scores[d])) >= share * Decimal(str(maxima[d])) for d in DIMENSIONS)


def pass_line(maxima: dict[str, Any], on: date) -> dict[str, Decimal]:
    """Each dimension's lowest passing score, for the teacher's page."""
    share = Decimal(str(get_rule("literacy_pass_rule", on)["dimension_share_min"]))
    return {d: share * Decimal(str(maxima[d])) for d in DIMENSIONS}


def weakest(result: LiteracyResult) -> str:
    """The dimension to work on: the lowest share of its maximum."""
    maxima = result.round.maxima
    return min(DIMENSIONS, key=lambda d: Decimal(str(result.scores[d])) / Decimal(str(maxima[d])))


# --- rounds ---------------------------------------------------------------------------------------


def open_round(data: dict[str, Any], school_id: int | None, by: User) -> LiteracyRound:
    if not may_open(by, school_id):
        raise PermissionDenied(_("Only the bureau, or HR for their own school, opens a round."))
    errors: dict[str, str] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Name the round.")
    year = data.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        errors["year"] = _("Enter the year, e.g. 2026.")
    takers = data.get("takers") or PROFESSIONAL
    if takers not in (PROFESSIONAL, IN_POST):
        errors["takers"] = _("Choose who takes it.")
    opens, closes = data.get("opens_on"), data.get("closes_on")
    if not isinstance(opens, date):
        errors["opens_on"] = _("Enter the date it opens.")
    if not isinstance(closes, date):
        errors["closes_on"] = _("Enter the date it closes.")
    elif isinstance(opens, date) and closes < opens:
        errors["closes_on"] = _("It closes before it opens.")
    if errors:
        raise ValidationFailed(errors)
    round_ = LiteracyRound(
        year=year, name=name[:120], school_id=school_id, takers=takers, opens_on=opens,
        closes_on=closes, maxima=dict(data.get("maxima") or DEFAULT_MAXIMA), created_by_id=by.id,
    )  # fmt: skip
    db.session.add(round_)
    changes = audit.pending_changes(round_)
    db.session.flush()
    audit.record("create", round_, by=by, changes=changes, school_id=school_id)
    # HR record the results (of the city's round, every school's HR): it is their step now.
    hr = select(User.id).where(User.role == Role.SCHOOL_HR, User.enabled.is_(True))
    if school_id is not None:
        hr = hr.where(User.school_id == school_id)
    for user_id in db.session.scalars(hr):
        if user_id != by.id:
            notify(user_id, "literacy_round_opened", key=f"literacy_round:{round_.id}:{user_id}",
                   link=f"/literacy/{round_.id}", round=str(round_),
                   closes=str(round_.closes_on))  # fmt: skip
    return round_


# --- results --------------------------------------------------------------------------------------


def typed_scores(raw: dict[str, Any], maxima: dict[str, Any]) -> dict[str, Decimal]:
    """The five scores as numbers within their maxima, or ValidationFailed naming each."""
    errors, scores = {}, {}
    for dimension in DIMENSIONS:
        value = raw.get(dimension)
        try:
            score = Decimal(str(value).strip())
        except (InvalidOperation, TypeError):
            score = None
        if value in (None, "") or score is None:
            errors[dimension] = _("Enter the score of %(dimension)s.",
                                  dimension=labels.DIMENSION[dimension])  # fmt: skip
        elif not 0 <= score <= Decimal(str(maxima[dimension])):
            errors[dimension] = _("Between 0 and %(max)s.", max=maxima[dimension])
        else:
            scores[dimension] = score
    if errors:
        raise ValidationFailed(errors)
    return scores


def current_result(round_: LiteracyRound, teacher: Teacher) -> LiteracyResult | None:
    return db.session.scalar(
        select(LiteracyResult).where(
            LiteracyResult.round_id == round_.id,
            LiteracyResult.teacher_id == teacher.id,
            LiteracyResult.current.is_(True),
        )
    )


def record(
    round_: LiteracyRound, teacher: Teacher, raw: dict[str, Any], by: User
) -> LiteracyResult | None:
    """Record the teacher's five scores: a retake replaces the current result (kept in the
    history). The same scores again change nothing (None)."""
    if not may_record(by, round_, teacher):
        raise PermissionDenied(_("You may not record results of this teacher in this round."))
    scores = typed_scores(raw, round_.maxima)
    previous = current_result(round_, teacher)
    plain = {d: float(v) for d, v in scores.items()}
    if previous is not None and previous.scores == plain:
        return None
    if previous is not None:
        db.session.execute(
            update(LiteracyResult).where(LiteracyResult.id == previous.id).values(current=False)
        )
    result = LiteracyResult(
        round_id=round_.id, teacher_id=teacher.id, scores=plain, total=sum(scores.values()),
        passed=passes(plain, round_.maxima, round_.closes_on), recorded_by_id=by.id,
    )  # fmt: skip
    result.round, result.teacher = round_, teacher
    db.session.add(result)
    changes = audit.pending_changes(result)
    db.session.flush()
    audit.record("literacy_recorded" if previous is None else "literacy_retaken", result, by=by,
                 changes=changes, school_id=teacher.school_id)  # fmt: skip
    if teacher.user_id is not None and teacher.user_id != by.id:  # the teacher reads their result
        notify(teacher.user_id, "literacy_passed" if result.passed else "literacy_not_passed",
               key=f"literacy_result:{result.id}", link=f"/teachers/{teacher.id}#literacy",
               round=str(round_), total=str(result.total))  # fmt: skip
    return result


def history(teacher: Teacher) -> list[LiteracyResult]:
    """Every result of the teacher, newest first (retakes included)."""
    return list(
        db.session.scalars(
            select(LiteracyResult)
            .where(LiteracyResult.teacher_id == teacher.id)
            .options(joinedload(LiteracyResult.round))  # each line names its round
            .order_by(LiteracyResult.recorded_at.desc(), LiteracyResult.id.desc())
        )
    )

"""The home page's panels: a teacher's own progress in one place; for the bureau and HR, where
their city, county or school stands on the plan's two ratios, with the way to the dashboard."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from core.extensions import db
from core.models import Role, User
from core.timeutil import today
from recognition.models import Kind, Recognition, Status
from teachers.literacy import stats as literacy_stats
from teachers.teams.models import Nomination, NominationStatus, TeamMember

from .board import HEADLINE, STATUS_CLASSES, build, shown
from .drill import literacy_result
from .scopes import DASHBOARD_ROLES, home_scope


def home_panel(user: User) -> tuple[str, dict[str, Any]] | None:
    if user.role == Role.TEACHER and user.teacher is not None:
        return "dashboard/_home_teacher.html", teacher_progress(user)
    if user.role in DASHBOARD_ROLES and (user.role != Role.SCHOOL_HR or user.school is not None):
        board = build(user, home_scope(user), None)
        return "dashboard/_home_board.html", {
            "board": board,
            "indicator_keys": HEADLINE,
            "shown": shown,
            "labels": board.status_labels,
            "classes": STATUS_CLASSES,
        }
    return None


def teacher_progress(user: User) -> dict[str, Any]:
    teacher = user.teacher
    recognitions = db.session.scalars(
        select(Recognition)
        .where(Recognition.teacher_id == teacher.id, Recognition.status == Status.CONFIRMED)
        .order_by(Recognition.confirmed_on.desc())
    ).all()
    dual = next((r for r in recognitions if r.kind == Kind.DUAL_QUALIFIED), None)
    teams = db.session.scalar(
        select(func.count(TeamMember.id)).where(TeamMember.teacher_id == teacher.id)
    )
    visits = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.teacher_id == teacher.id,
            Nomination.status.in_([NominationStatus.CONFIRMED, NominationStatus.REPORTED]),
        )
    )
    year = today().year
    literacy = literacy_stats.latest_totals([teacher.id], year).get(teacher.id)
    return {
        "teacher": teacher,
        # The digital-literacy result the year's pass rate counts, in the same words as its list.
        "literacy_year": year,
        "literacy": literacy_result(literacy),
        "dual": dual,
        "d_class": [r for r in recognitions if r.kind == Kind.D_CLASS],
        "teams": teams,
        "visits": visits,
    }

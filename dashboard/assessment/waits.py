"""Who the counties' assessment waits for (待办): the city bureau publishes a year once it is
over; a county bureau reports what it did on an interview's commitments, and the city bureau
reviews the report."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, true

from core import handover
from core.extensions import db
from core.models import Role, User
from core.permissions import reaches_whole_city
from core.timeutil import today
from core.workflow import Wait

from .models import AssessmentStatus as A
from .models import CountyAssessment, Interview
from .models import InterviewStatus as I


def is_city(user: User | None) -> bool:
    return user is not None and reaches_whole_city(user)


def is_county_of(user: User | None, county_id: int) -> bool:
    return user is not None and user.role == Role.BUREAU and user.county_id == county_id


def city_bureau() -> list[int]:
    return handover.bureau_for()  # with no school named: the city's alone


def county_bureau(county_id: int) -> list[int]:
    """The bureau accounts of one county (not the city's, whom `handover.bureau_for` adds)."""
    query = select(User.id).where(
        User.role == Role.BUREAU, User.enabled.is_(True), User.county_id == county_id
    )
    return list(db.session.scalars(query))


def _city(user: User):  # type: ignore[no-untyped-def]
    return true() if user.role == Role.BUREAU and user.county_id is None else None


def _county(user: User):  # type: ignore[no-untyped-def]
    if user.role != Role.BUREAU or user.county_id is None:
        return None
    return Interview.county_id == user.county_id


def _year_over(a: CountyAssessment) -> bool:
    return a.year < today().year


ASSESSMENT_WAITS = (
    Wait(A.DRAFT, ("publish",), _l("County assessments to publish"),
         _l("Draft: awaiting the city bureau's publishing"), _city, "/assessment",
         people=lambda _a: city_bureau(), when=lambda: CountyAssessment.year < today().year,
         applies=_year_over, since=lambda: CountyAssessment.created_at),
)  # fmt: skip

INTERVIEW_WAITS = (
    Wait(I.OPEN, ("report",), _l("Interview commitments to report on"),
         _l("Awaiting the county's report"), _county, "/assessment/interviews?waiting=me",
         people=lambda i: county_bureau(i.county_id), since=lambda: Interview.created_at),
    Wait(I.REPORTED, ("close", "return"), _l("Interview reports to review"),
         _l("Awaiting the city bureau's review"), _city, "/assessment/interviews?waiting=me",
         people=lambda _i: city_bureau(), since=lambda: Interview.reported_at),
)  # fmt: skip

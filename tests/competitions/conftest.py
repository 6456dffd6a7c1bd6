"""Factories for competitions."""

from __future__ import annotations

import pytest

from competitions import services
from core.extensions import db
from core.models import Role


@pytest.fixture
def organizer(make_user):  # type: ignore[no-untyped-def]
    return make_user(Role.ORGANIZER)


@pytest.fixture
def make_competition(app, organizer):  # type: ignore[no-untyped-def]
    def make(
        series: str = "student_skills",
        level: str = "city",
        scheme: str = "prizes",
        year: int = 2025,
        **kw,
    ):  # type: ignore[no-untyped-def]
        competition = services.save_competition(
            {
                "name": kw.pop("name", "温州市技能大赛"),
                "series": series,
                "level": level,
                "year": year,
                "scheme": scheme,
                "mask_student_names": kw.pop("mask", True),
                **kw,
            },
            organizer,
        )
        db.session.commit()
        return competition

    return make


@pytest.fixture
def make_event(app, organizer):  # type: ignore[no-untyped-def]
    def make(competition, team: bool = True, **kw):  # type: ignore[no-untyped-def]
        event = services.add_event(
            competition, {"name": kw.pop("name", "数控车加工"), "team": team, **kw}, organizer
        )
        db.session.commit()
        return event

    return make

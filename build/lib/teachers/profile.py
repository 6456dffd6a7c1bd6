"""Sections other packages add to a teacher's profile page (practice, appointments, awards …)
without this package knowing them: each returns (template, context) or None."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from core.models import User

from .models import Teacher

Section = Callable[[Teacher, User], tuple[str, dict[str, Any]] | None]
SECTIONS: list[Section] = []


def register_section(section: Section) -> None:
    if section not in SECTIONS:
        SECTIONS.append(section)


def sections_for(teacher: Teacher, user: User) -> list[tuple[str, dict[str, Any]]]:
    return [s for s in (section(teacher, user) for section in SECTIONS) if s is not None]

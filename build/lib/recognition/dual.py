"""Dual-qualified (双师型) recognition: the evidence a teacher's records hold, the tier criteria
(rule versions the province sets), and which tier the evidence supports. People decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from competitions.models import Competition, Entry, EntryPerson, Event
from core.extensions import db
from core.rules import get_rule
from placements.ledger import summaries
from teachers.models import SkillCertificate, Teacher, Title

from .models import EthicsResult

TIERS = ("junior", "intermediate", "senior")
SKILL_ORDER = ["level5", "level4", "level3", "level2", "level1"]
LEVEL_ORDER = ["school", "county", "city", "province", "national", "world"]

# Shipped defaults, our reading of the national basic standard; each province sets its own.
DEFAULT_CRITERIA: dict[str, dict[str, Any]] = {
    "junior": {
        "qualification_certificate": True,
        "practice_days": 30,
        "skill_level": "level4",
        "title": None,
        "award_level": None,
    },
    "intermediate": {
        "qualification_certificate": True,
        "practice_days": 60,
        "skill_level": "level3",
        "title": "intermediate",
        "award_level": None,
    },
    "senior": {
        "qualification_certificate": True,
        "practice_days": 132,
        "skill_level": "level2",
        "title": "associate_senior",
        "award_level": "city",
    },
}


def gather(teacher: Teacher, on: date) -> dict[str, Any]:
    """The evidence Shuangshi holds for `teacher` (a snapshot kept with the application)."""
    return gather_many([teacher], on)[teacher.id]


def gather_many(teachers: list[Teacher], on: date) -> dict[int, dict[str, Any]]:
    """The evidence of many teachers (a page of a list) in a fixed number of queries."""
    ids = [t.id for t in teachers]
    if not ids:
        return {}
    practice = summaries(teachers, on)
    best_skill: dict[int, str] = {}
    for teacher_id, level in db.session.execute(
        select(SkillCertificate.teacher_id, SkillCertificate.level).where(
            SkillCertificate.teacher_id.in_(ids), SkillCertificate.level.is_not(None)
        )
    ):
        current = best_skill.get(teacher_id)
        if current is None or SKILL_ORDER.index(level) > SKILL_ORDER.index(current):
            best_skill[teacher_id] = level
    awards: dict[int, dict[str, int]] = {}
    for teacher_id, level, n in db.session.execute(
        select(EntryPerson.teacher_id, Competition.level, func.count(Entry.id))
        .join(Entry, EntryPerson.entry_id == Entry.id)
        .join(Event, Entry.event_id == Event.id)
        .join(Competition, Event.competition_id == Competition.id)
        .where(
            EntryPerson.teacher_id.in_(ids),
            Entry.award.is_not(None),
            Competition.status == "published",
        )
        .group_by(EntryPerson.teacher_id, Competition.level)
    ):
        awards.setdefault(teacher_id, {})[level] = n
    ethics: dict[int, EthicsResult] = {}
    for result in db.session.scalars(
        select(EthicsResult)
        .where(EthicsResult.teacher_id.in_(ids))
        .order_by(EthicsResult.teacher_id, EthicsResult.year)
    ):
        ethics[result.teacher_id] = result  # the latest year wins
    return {
        t.id: {
            "qualification_certificate": t.qualification_cert_no or "",
            "practice_days": float(practice[t.id].days_in_window),
            "skill_level": best_skill.get(t.id),
            "title": t.title,
            "awards": awards.get(t.id, {}),
            "ethics": (
                None
                if t.id not in ethics
                else {"year": ethics[t.id].year, "passed": ethics[t.id].passed}
            ),
        }
        for t in teachers
    }


def assess(evidence: dict[str, Any], tier: str, on: date | None = None) -> list[dict[str, Any]]:
    """Criterion by criterion: [{criterion, required, found, met}]."""
    criteria = get_rule("dual_qualified_criteria", on)[tier]
    out = []
    if criteria.get("qualification_certificate"):
        out.append(
            {
                "criterion": "qualification_certificate",
                "required": True,
                "found": evidence["qualification_certificate"] or None,
                "met": bool(evidence["qualification_certificate"]),
            }
        )
    if criteria.get("practice_days"):
        out.append(
            {
                "criterion": "practice_days",
                "required": criteria["practice_days"],
                "found": evidence["practice_days"],
                "met": evidence["practice_days"] >= criteria["practice_days"],
            }
        )
    alternatives = []
    if criteria.get("skill_level"):
        found = evidence["skill_level"]
        alternatives.append(
            found is not None
            and SKILL_ORDER.index(found) >= SKILL_ORDER.index(criteria["skill_level"])
        )
    if criteria.get("title"):
        alternatives.append(Title(evidence["title"]).rank >= Title(criteria["title"]).rank)
    if alternatives:
        out.append(
            {
                "criterion": "skill_level_or_title",
                "required": {
                    "skill_level": criteria.get("skill_level"),
                    "title": criteria.get("title"),
                },
                "found": {"skill_level": evidence["skill_level"], "title": evidence["title"]},
                "met": any(alternatives),
            }
        )
    if criteria.get("award_level"):
        floor = LEVEL_ORDER.index(criteria["award_level"])
        count = sum(
            n for level, n in evidence["awards"].items() if LEVEL_ORDER.index(level) >= floor
        )
        out.append(
            {
                "criterion": "award_level",
                "required": criteria["award_level"],
                "found": count,
                "met": count > 0,
            }
        )
    ethics = evidence.get("ethics")
    out.append(
        {
            "criterion": "ethics",
            "required": True,
            "found": ethics,
            "met": ethics is None or bool(ethics.get("passed")),
        }
    )
    return out


def highest_supported(evidence: dict[str, Any], on: date | None = None) -> str | None:
    supported = None
    for tier in TIERS:
        if all(c["met"] for c in assess(evidence, tier, on)):
            supported = tier
    return supported

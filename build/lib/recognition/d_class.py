"""D-class talent (D类人才) from competition results.

The award → talent-class mapping is a rule version (`talent_class_rules`), a list of mappings an
administrator can extend without a release. When results are published or corrected the
competitions package announces it; `on_results_changed` re-runs the mapping for those entries:
new pending recognitions (once each), pending ones that no longer qualify withdrawn, confirmed
ones flagged for the bureau.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from competitions.models import Competition, Entry
from core import audit
from core.extensions import db
from core.handover import announce
from core.rules import get_rule

from .models import Kind, Recognition, Status
from .workflow import HANDOVERS, RECOGNITION

# The plan's two direct routes (十四), as shipped defaults.
DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "series": "teaching_ability",
        "level": "national",
        "awards": ["first"],
        "who": "members",
        "class": "D",
        "label": "全国职业院校技能大赛教学能力比赛一等奖",
    },
    {
        "series": "student_skills",
        "level": "national",
        "awards": ["gold"],
        "who": "instructors",
        "class": "D",
        "label": "全国职业院校技能大赛金牌指导教师",
    },
    {
        "series": "student_skills",
        "level": "national",
        "awards": ["first"],
        "who": "instructors",
        "class": "D",
        "before_year": 2024,
        "label": "全国职业院校技能大赛一等奖指导教师（2024 年前）",
    },
]


def matching_rule(competition: Competition, entry: Entry) -> dict[str, Any] | None:
    for rule in get_rule("talent_class_rules"):
        if rule.get("series") != competition.series or rule.get("level") != competition.level:
            continue
        if entry.award not in rule.get("awards", []):
            continue
        if rule.get("before_year") and competition.year >= rule["before_year"]:
            continue
        if rule.get("from_year") and competition.year < rule["from_year"]:
            continue
        return rule
    return None


def _people(entry: Entry, who: str) -> list[int]:
    people = entry.members if who == "members" else entry.instructors
    return [p.teacher_id for p in people if p.teacher_id]


WHY = {"published": _l("The results were published."), "corrected": _l("A result was corrected.")}


def on_results_changed(competition: Competition, entries: list[Entry], reason: str) -> None:
    reason = str(WHY.get(reason, reason))  # the audit note reads as a sentence
    for entry in entries:
        rule = matching_rule(competition, entry)
        qualifying = set(_people(entry, rule["who"])) if rule else set()
        existing = {
            r.teacher_id: r
            for r in db.session.scalars(
                select(Recognition).where(
                    Recognition.kind == Kind.D_CLASS, Recognition.source_entry_id == entry.id
                )
            )
        }
        for teacher_id in qualifying - existing.keys():
            recognition = Recognition(
                kind=Kind.D_CLASS,
                teacher_id=teacher_id,
                status=Status.PENDING,
                tier=rule["class"],
                source_entry_id=entry.id,
                basis=f"{competition} · {entry.event} · {rule.get('label', '')}",
            )
            db.session.add(recognition)
            db.session.flush()
            audit.record("recognition_proposed", recognition, note=reason)
            announce(HANDOVERS, recognition, "proposed", None)
        for teacher_id, recognition in existing.items():
            if teacher_id in qualifying:
                if recognition.status == Status.WITHDRAWN:
                    RECOGNITION.transition(recognition, "result_restored", None, reason)
                continue
            if recognition.status == Status.PENDING:
                RECOGNITION.transition(recognition, "result_withdrawn", None, reason)
            elif recognition.status == Status.CONFIRMED and not recognition.flagged:
                recognition.flagged = True
                audit.record_changes("recognition_flagged", recognition, note=reason)
    db.session.flush()

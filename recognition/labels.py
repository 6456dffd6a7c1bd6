"""Display labels."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

KIND = {"d_class": _l("D-class talent"), "dual_qualified": _l("Dual-qualified teacher")}
STATUS = {
    "pending": _l("Waiting for the bureau"),
    "applied": _l("Waiting for the school"),
    "returned": _l("Returned to the teacher"),
    "school_passed": _l("Passed by the school"),
    "notice": _l("In public notice"),
    "confirmed": _l("Recognised"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn: the result no longer qualifies"),
    "revoked": _l("Revoked"),
    "cancelled": _l("Withdrawn by the teacher"),
}


def title(r) -> str:  # type: ignore[no-untyped-def]
    """A recognition as people name it: "D 类人才", "双师型教师 中级"."""
    if r.kind == "d_class":
        return _("%(tier)s-class talent", tier=r.tier)
    return f"{KIND[r.kind]} {TIER.get(r.tier, r.tier)}"


TIER = {
    "junior": _l("Junior tier"),
    "intermediate": _l("Intermediate tier"),
    "senior": _l("Senior tier"),
    "D": "D",
    "E": "E",
}
CRITERION = {
    "qualification_certificate": _l("Teacher qualification certificate"),
    "practice_days": _l("Enterprise practice days in the last 5 years"),
    "skill_level_or_title": _l("Skill level or title"),
    "award_level": _l("Competition awards at this level or above"),
    "ethics": _l("Teacher ethics (师德)"),
}


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    from core import labels as core_labels

    core_labels.register_actions(
        {
            "recognition_proposed": _l("proposed"),
            "recognition_applied": _l("applied for"),
            "recognition_resubmitted": _l("resubmitted"),
            "school_review": _l("reviewed at the school"),
            "recognition_confirmed": _l("confirmed"),
            "recognition_rejected": _l("rejected"),
            "recognition_revoked": _l("revoked"),
            "recognition_withdrawn": _l("withdrew"),
            "recognition_restored": _l("restored"),
            "recognition_flagged": _l("flagged for review"),
            "objection_recorded": _l("recorded an objection to"),
            "recognised": _l("recognised"),
            "ethics_recorded": _l("recorded the ethics assessment of"),
        }
    )
    core_labels.register_kind(
        "Recognition",
        _l("the recognition"),
        endpoint="recognition.detail",
        arg="recognition_id",
        fields={
            "tier": _l("Tier"),
            "kind": _l("Kind"),
            "decision_note": _l("Decision note"),
            "notice_until": _l("Public notice until"),
            "confirmed_on": _l("Confirmed on"),
            "certificate_no": _l("Certificate number"),
        },
        values={"status": STATUS, "tier": TIER, "kind": KIND},
    )
    core_labels.register_kind(
        "EthicsResult",
        _l("the ethics assessment"),
        fields={"passed": _l("Passed"), "penalty_until": _l("Penalty until")},
    )


def describe_criteria(criteria: dict) -> list[str]:
    """The dual-qualified criteria, a line per tier: 初级：教师资格证书；企业实践 30 天；…"""
    from teachers.labels import SKILL_LEVEL, TITLE

    lines = []
    for tier, needs in criteria.items():
        parts = []
        if needs.get("qualification_certificate"):
            parts.append(str(CRITERION["qualification_certificate"]))
        if needs.get("practice_days"):
            parts.append(str(_l("%(n)s days of enterprise practice", n=needs["practice_days"])))
        either = [str(SKILL_LEVEL[level]) for level in [needs.get("skill_level")] if level] + [
            str(TITLE[title]) for title in [needs.get("title")] if title
        ]
        if either:
            parts.append(str(_l(" or ")).join(either) + str(_l(" or higher")))
        if needs.get("award_level"):
            parts.append(str(_l("an award at %(level)s level or higher", level=award_level(needs))))
        lines.append(f"{TIER[tier]}：" + "；".join(parts))
    return lines


def award_level(needs: dict) -> str:
    from competitions.labels import LEVEL

    return str(LEVEL[needs["award_level"]])


def describe_talent_rules(rules: list) -> list[str]:
    """The competition awards that make talent classes, a line each."""
    from competitions.labels import AWARD, LEVEL, SERIES

    lines = []
    for rule in rules:
        who = _l("members") if rule["who"] == "members" else _l("instructors")
        awards = "、".join(str(AWARD[a]) for a in rule["awards"])
        line = str(
            _l(
                "%(level)s %(series)s, %(awards)s (%(who)s) → %(klass)s-class talent",
                level=LEVEL[rule["level"]], series=SERIES[rule["series"]], awards=awards,
                who=who, klass=rule["class"],
            )
        )  # fmt: skip
        if rule.get("before_year"):
            line += str(_l(" (competitions before %(year)s)", year=rule["before_year"]))
        lines.append(line)
    return lines


def requirement(c: dict) -> str:
    """What a criterion of the assessment asks for, in words."""
    from competitions.labels import LEVEL
    from teachers.labels import SKILL_LEVEL, TITLE

    criterion, required = c["criterion"], c["required"]
    if criterion == "practice_days":
        return str(_l("%(n)s days", n=required))
    if criterion == "skill_level_or_title":
        either = [str(SKILL_LEVEL[required["skill_level"]])] if required.get("skill_level") else []
        either += [str(TITLE[required["title"]])] if required.get("title") else []
        return str(_l(" or ")).join(either) + str(_l(" or higher"))
    if criterion == "award_level":
        return str(_l("An award at %(level)s level or higher", level=LEVEL[required]))
    if criterion == "ethics":
        return str(_l("Passed, no sanction in force"))
    return str(_l("Held"))


def finding(c: dict) -> str:
    """What Shuangshi found for a criterion, in words."""
    from teachers.labels import SKILL_LEVEL, TITLE

    criterion, found = c["criterion"], c["found"]
    if criterion == "practice_days":
        return str(_l("%(n)s days", n=found))
    if criterion == "skill_level_or_title":
        held = [str(SKILL_LEVEL[found["skill_level"]])] if found.get("skill_level") else []
        held += [str(TITLE[found["title"]])] if found.get("title") else []
        return "；".join(held) or str(_l("None recorded"))
    if criterion == "award_level":
        return str(_l("%(n)s awards", n=found))
    if criterion == "ethics":
        if found is None:
            return str(_l("No assessment or sanction on record"))
        return str(_l("Passed")) if found.get("passed") else str(_l("Not passed"))
    return str(_l("Held")) if found else str(_l("Not recorded"))

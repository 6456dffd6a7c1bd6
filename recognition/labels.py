"""Display labels."""

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
}
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

"""Display labels."""

from flask_babel import lazy_gettext as _l

from .models import CompetitionStatus, Level, Series

SERIES = {
    Series.TEACHING_ABILITY: _l("Teaching-ability contest"),
    Series.STUDENT_SKILLS: _l("Student skills competition"),
    Series.TEACHER_SKILLS: _l("Teacher skills contest"),
    Series.TEACHER_STUDENT: _l("Teacher-student skills competition"),
    Series.OTHER: _l("Other"),
}
LEVEL = {
    Level.SCHOOL: _l("School"),
    Level.COUNTY: _l("County"),
    Level.CITY: _l("City"),
    Level.PROVINCE: _l("Province"),
    Level.NATIONAL: _l("National"),
    Level.WORLD: _l("World"),
}
SCHEME = {"prizes": _l("First/second/third prize (+ merit)"), "medals": _l("Gold/silver/bronze")}
AWARD = {
    "first": _l("First prize"),
    "second": _l("Second prize"),
    "third": _l("Third prize"),
    "merit": _l("Merit award"),
    "gold": _l("Gold"),
    "silver": _l("Silver"),
    "bronze": _l("Bronze"),
}
STATUS = {
    CompetitionStatus.DRAFT: _l("Draft"),
    CompetitionStatus.OPEN: _l("Taking entries"),
    CompetitionStatus.CLOSED: _l("Entries closed"),
    CompetitionStatus.PUBLISHED: _l("Results published"),
}


def mask(name: str) -> str:
    """张晓明 → 张*明, 王五 → 王*: students' names on public pages when the organizer asks."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    from core import labels as core_labels

    from .forms import CompetitionForm, EventForm, ResultForm

    core_labels.register_actions(
        {
            "entry_registered": _l("registered"),
            "entry_withdrawn": _l("withdrew"),
            "event_added": _l("added an event to"),
            "entries_closed": _l("closed the entries of"),
            "result": _l("recorded the result of"),
            "result_corrected": _l("corrected the result of"),
        }
    )
    core_labels.register_kind(
        "Competition",
        _l("the competition"),
        endpoint="competitions.detail",
        arg="competition_id",
        forms=[CompetitionForm],
        fields={"event": _l("Event"), "published_at": _l("Published at")},
        values={"series": SERIES, "level": LEVEL, "status": STATUS, "scheme": SCHEME},
    )
    core_labels.register_kind(
        "Entry",
        _l("the entry"),
        forms=[EventForm, ResultForm],
        fields={
            "people": _l("Members"),
            "instructors": _l("Instructors"),
            "award": _l("Award"),
            "rank": _l("Rank"),
            "score": _l("Score"),
        },
        values={"award": AWARD},
    )

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

"""Medal tables and the participation rate, counted once per person."""

from __future__ import annotations

from decimal import Decimal

from competitions import services, stats
from competitions.services import EntryPeople
from core import org
from core.extensions import db


def test_medal_tables_by_school_and_county(
    app, make_competition, make_event, make_school, organizer
):
    competition = make_competition()
    event = make_event(competition, team=False)
    lc1, lc2 = make_school(county="330302"), make_school(county="330302")
    ra = make_school(county="330381")
    for n, (school, award) in enumerate(
        [(lc1, "first"), (lc1, "second"), (lc2, "first"), (ra, "third")]
    ):
        entry = services.register_entry(
            event, school, EntryPeople(students=[(str(n), f"学生{n}")]), organizer
        )
        services.record_result(entry, award, n + 1, 90, organizer)
    by_school = dict(stats.medal_table(competition))
    assert by_school[lc1.id] == {"first": 1, "second": 1, "third": 0, "merit": 0, "total": 2}
    assert [k for k, _ in stats.medal_table(competition)][:2] in (
        [lc1.id, lc2.id],
        [lc2.id, lc1.id],
    )
    by_county = dict(stats.medal_table(competition, "county"))
    assert by_county[lc1.county_id]["first"] == 2 and by_county[ra.county_id]["third"] == 1


def test_participation_counts_each_person_once_per_year(
    app, make_competition, make_event, make_school, make_teacher, organizer
):
    school = make_school()
    teachers = [make_teacher(school=school) for _ in range(4)]  # 4 active teachers
    org.set_enrollment(school, 2025, 96, by=None)  # + 96 students = 100 people
    db.session.commit()
    competition = make_competition(year=2025)
    e1, e2 = make_event(competition, name="赛项一"), make_event(competition, name="赛项二")
    services.register_entry(
        e1,
        school,
        EntryPeople(students=[("1", "甲"), ("2", "乙")], instructors=[teachers[0].id]),
        organizer,
    )
    # The same student and teacher again in another event: still counted once.
    services.register_entry(
        e2, school, EntryPeople(students=[("1", "甲")], instructors=[teachers[0].id]), organizer
    )
    other_year = make_competition(year=2024, name="去年")
    services.register_entry(
        make_event(other_year), school, EntryPeople(students=[("3", "丙")]), organizer
    )
    result = stats.participation(2025, by="school")[school.id]
    assert (result.teachers, result.students) == (1, 2)
    assert result.rate == Decimal("0.0300")
    assert stats.participation(2025)["city"].rate == Decimal("0.0300")
    assert stats.participation(2025, by="county")[school.county_id].students == 2

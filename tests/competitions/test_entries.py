"""The rules of an entry, each refused with a clear message and nothing half-saved."""

from __future__ import annotations

from datetime import timedelta

import pytest

from competitions import services
from competitions.models import Entry, Student
from competitions.services import EntryPeople
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role
from core.timeutil import today


def messages(err) -> str:  # type: ignore[no-untyped-def]
    return " ".join(m for ms in err.value.fields.values() for m in ms)


def test_rules_of_an_entry(app, make_competition, make_event, make_school, make_teacher, organizer):
    competition = make_competition()
    event = make_event(competition, team=True, min_members=2, max_members=3)
    school, other = make_school(), make_school()
    a, b, c = (make_teacher(school=school) for _ in range(3))
    stranger = make_teacher(school=other, name="外校老师")
    cases = [
        (EntryPeople(students=[("1", "甲"), ("2", "乙")], instructors=[stranger.id]), "不是"),
        (
            EntryPeople(students=[("1", "甲"), ("2", "乙")], instructors=[a.id, b.id, c.id]),
            "最多 2 名",
        ),
        (EntryPeople(students=[("1", "甲")]), "2 至 3 名"),
        (EntryPeople(students=[("1", "甲"), ("1", "甲")]), "重复"),
        (EntryPeople(teachers=[a.id, b.id], instructors=[a.id]), "不能同时"),
    ]
    for people, expected in cases:
        with pytest.raises(ValidationFailed) as err:
            services.register_entry(event, school, people, organizer)
        assert expected in messages(err), expected
    assert db.session.query(Entry).count() == 0 and db.session.query(Student).count() == 0


def test_nobody_is_in_two_entries_of_one_event(
    app, make_competition, make_event, make_school, organizer
):
    competition = make_competition()
    event = make_event(competition, team=False)
    school = make_school()
    services.register_entry(event, school, EntryPeople(students=[("2023001", "王小明")]), organizer)
    with pytest.raises(ValidationFailed) as err:
        services.register_entry(
            event, school, EntryPeople(students=[("2023001", "王小明")]), organizer
        )
    assert "王小明 已在本赛项" in messages(err)
    other_event = make_event(competition, team=False, name="汽车维修")
    services.register_entry(
        other_event, school, EntryPeople(students=[("2023001", "王小明")]), organizer
    )
    assert db.session.query(Student).count() == 1  # the student record is reused


def test_teaching_ability_teams_have_three_or_four_teachers(
    app, make_competition, make_event, make_school, make_teacher, organizer
):
    competition = make_competition(series="teaching_ability", level="national")
    event = make_event(competition, team=True, min_members=1, max_members=6)
    assert (event.min_members, event.max_members) == (3, 4)
    school = make_school()
    teachers = [make_teacher(school=school).id for _ in range(5)]
    with pytest.raises(ValidationFailed):
        services.register_entry(event, school, EntryPeople(teachers=teachers[:2]), organizer)
    with pytest.raises(ValidationFailed):
        services.register_entry(
            event, school, EntryPeople(teachers=teachers[:2], students=[("1", "甲")]), organizer
        )
    services.register_entry(event, school, EntryPeople(teachers=teachers[:4]), organizer)


def test_quota_and_registration_window_and_who_may_register(
    app, make_competition, make_event, make_school, make_user, organizer
):
    competition = make_competition(
        registration_opens=today() - timedelta(days=30),
        registration_closes=today() - timedelta(days=1),
    )
    event = make_event(competition, team=False, quota_per_school=1)
    school, other = make_school(), make_school()
    hr = make_user(Role.SCHOOL_HR, school=school)
    with pytest.raises(Conflict, match="报名时间"):
        services.register_entry(event, school, EntryPeople(students=[("1", "甲")]), hr)
    competition.registration_closes = today() + timedelta(days=5)
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.register_entry(event, other, EntryPeople(students=[("1", "甲")]), hr)
    services.register_entry(event, school, EntryPeople(students=[("1", "甲")]), hr)
    with pytest.raises(ValidationFailed) as err:
        services.register_entry(event, school, EntryPeople(students=[("2", "乙")]), hr)
    assert "名额已用完" in messages(err)
    with pytest.raises(PermissionDenied):
        services.add_event(competition, {"name": "x"}, hr)


def test_who_competes_follows_the_series_and_the_picker_offers_only_whom_the_rules_allow(
    app, make_competition, make_event, make_school, make_teacher, make_user, organizer, login_as
):
    school, other = make_school(), make_school()
    teachers = [make_teacher(school=school, name=f"周老师{n}") for n in range(4)]
    make_teacher(school=other, name="周外校")
    students_only = make_event(make_competition(series="student_skills"), team=False)
    with pytest.raises(ValidationFailed) as err:
        services.register_entry(
            students_only, school, EntryPeople(teachers=[teachers[0].id]), organizer
        )
    assert "指导教师" in err.value.fields["members"][0]
    teachers_only = make_event(
        make_competition(series="teaching_ability"), team=True, min_members=3, max_members=4
    )
    with pytest.raises(ValidationFailed) as err:
        services.register_entry(
            teachers_only, school,
            EntryPeople(teachers=[t.id for t in teachers[:3]], students=[("1", "学生")]),
            organizer,
        )  # fmt: skip
    assert "students" in err.value.fields
    services.register_entry(
        teachers_only, school, EntryPeople(teachers=[t.id for t in teachers[:3]]), organizer
    )
    db.session.commit()
    hr = make_user(Role.SCHOOL_HR, school=school)
    found = login_as(hr).get(f"/events/{teachers_only.id}/people.json?q=周&school={other.code}")
    assert [p["name"] for p in found.json] == ["周老师3"]  # own school, not yet entered
    assert (
        login_as(role=Role.TEACHER).get(f"/events/{teachers_only.id}/people.json?q=周").status_code
        == 403
    )

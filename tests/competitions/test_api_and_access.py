"""Competitions through the API, and who may do what."""

from __future__ import annotations

import pytest

from competitions import services
from competitions.services import EntryPeople
from core.extensions import db
from core.models import Role


def test_the_whole_path_through_the_api(
    api_client, organizer, make_school, make_teacher, make_user, client
):
    school = make_school(code="APIS")
    coach = make_teacher(school=school)
    org = api_client(organizer)
    created = org(
        "POST",
        "/api/v1/competitions",
        json={
            "name": "市赛",
            "series": "student_skills",
            "level": "city",
            "year": 2025,
            "scheme": "prizes",
        },
    )
    assert created.status_code == 201
    cid = created.json["id"]
    event = org(
        "POST",
        f"/api/v1/competitions/{cid}/events",
        json={"name": "电工", "team": True, "max_members": 2},
    )
    assert event.status_code == 201
    hr = api_client(make_user(Role.SCHOOL_HR, school=school))
    bad = hr(
        "POST",
        f"/api/v1/events/{event.json['id']}/entries",
        json={
            "students": [{"student_no": "1", "name": "甲"}],
            "instructors": [coach.id, coach.id + 999],
        },
    )
    assert bad.status_code == 409 and bad.json["error"]["code"] == "rule_violated"
    entry = hr(
        "POST",
        f"/api/v1/events/{event.json['id']}/entries",
        json={"students": [{"student_no": "1", "name": "甲"}], "instructors": [coach.id]},
    )
    assert entry.status_code == 201 and entry.json["school"] == "APIS"
    assert (
        hr("PUT", f"/api/v1/entries/{entry.json['id']}/result", json={"award": "first"}).status_code
        == 403
    )
    bad_award = org("PUT", f"/api/v1/entries/{entry.json['id']}/result", json={"award": "gold"})
    assert bad_award.status_code == 409 and "award" in bad_award.json["error"]["fields"]
    assert (
        org(
            "PUT",
            f"/api/v1/entries/{entry.json['id']}/result",
            json={"award": "first", "rank": 1, "score": 95},
        ).json["award"]
        == "first"
    )
    assert client.get(f"/api/v1/competitions/{cid}/results").status_code == 404
    assert org("POST", f"/api/v1/competitions/{cid}/publish").json["status"] == "published"
    public = client.get(f"/api/v1/competitions/{cid}/results").json
    assert public["entries"][0]["award"] == "first"
    correction = org("PUT", f"/api/v1/entries/{entry.json['id']}/result", json={"award": "second"})
    assert correction.status_code == 409 and "reason" in correction.json["error"]["fields"]


@pytest.mark.parametrize(
    "role, can_register_own, can_register_other, can_record",
    [
        ("hr", True, False, False),
        ("organizer", True, True, True),
        ("admin", True, True, True),
        ("bureau", False, False, False),
        ("teacher", False, False, False),
    ],
)
def test_who_registers_and_who_records(
    role,
    can_register_own,
    can_register_other,
    can_record,
    make_competition,
    make_event,
    make_school,
    make_user,
    make_teacher,
    organizer,
    login_as,
):
    competition = make_competition()
    event = make_event(competition, team=False)
    own, other = make_school(), make_school()
    users = {
        "hr": lambda: make_user(Role.SCHOOL_HR, school=own),
        "organizer": lambda: organizer,
        "admin": lambda: make_user(Role.ADMIN),
        "bureau": lambda: make_user(Role.BUREAU),
        "teacher": lambda: make_user(Role.TEACHER, teacher=make_teacher(school=own)),
    }
    user = users[role]()
    c = login_as(user)

    def register(school, number):  # type: ignore[no-untyped-def]
        return (
            c.post(
                f"/events/{event.id}/entries/new",
                data={"school": school.code, "students": f"{number} 学生{number}"},
            ).status_code
            == 302
        )

    assert register(own, 1) == can_register_own
    assert register(other, 2) == can_register_other
    entry = services.register_entry(event, own, EntryPeople(students=[("9", "九号")]), organizer)
    db.session.commit()
    c.post(f"/entries/{entry.id}/result", data={"award": "first", "rank": "1"})
    db.session.refresh(entry)
    assert (entry.award == "first") == can_record

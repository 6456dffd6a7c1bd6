"""Innovation teams and overseas study: the life cycle, the checks, the counts, and who may act."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from werkzeug.datastructures import FileStorage

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Role
from core.timeutil import today
from teachers.teams import jobs, services, stats
from teachers.teams.models import Nomination

PDF = b"%PDF-1.4\n%%EOF\n"


def pdf(name: str = "申报书.pdf") -> FileStorage:
    return FileStorage(io.BytesIO(PDF), filename=name)


@pytest.fixture
def school_team(make_school, make_teacher, make_user):  # type: ignore[no-untyped-def]
    def make(n: int = 6, county: str = "330302", title: str = "associate_senior"):  # type: ignore[no-untyped-def]
        school = make_school(county=county)
        leader = make_teacher(school=school, title=title)
        others = [make_teacher(school=school) for _ in range(n - 1)]
        hr = make_user(Role.SCHOOL_HR, school=school)
        team = services.save_team(
            school,
            {
                "name": "智能制造团队",
                "field": "智能制造",
                "level_sought": "city",
                "leader_id": leader.id,
            },
            [services.MemberInput(teacher_id=t.id, backbone=i < 2) for i, t in enumerate(others)],
            hr,
        )
        db.session.commit()
        return team, hr

    return make


def test_bad_teams_are_refused_with_reasons(app, make_school, make_teacher, make_user):
    school, other = make_school(), make_school()
    hr = make_user(Role.SCHOOL_HR, school=school)
    own, stranger = make_teacher(school=school), make_teacher(school=other)
    data = {"name": "团队", "field": "电商", "level_sought": "city"}
    with pytest.raises(ValidationFailed) as err:
        services.save_team(school, {**data, "leader_id": stranger.id}, [], hr)
    assert "负责人须为" in err.value.fields["leader_id"][0]
    with pytest.raises(ValidationFailed) as err:
        services.save_team(
            school, {**data, "leader_id": own.id}, [services.MemberInput(teacher_id=own.id)], hr
        )
    assert "重复" in err.value.fields["members"][0]
    with pytest.raises(PermissionDenied):
        services.save_team(other, {**data, "leader_id": stranger.id}, [], hr)


def test_life_cycle_with_warnings_level_raise_and_reports(app, school_team, make_user):
    team, hr = school_team(n=4, title="intermediate")
    warnings = services.composition_warnings(team)
    assert any("5 至 15" in w for w in warnings) and any("副高级" in w for w in warnings)
    bureau = make_user(Role.BUREAU, county="330302")
    with pytest.raises(ValidationFailed):
        services.move_team(team, "apply", hr)  # no application document yet
    services.attach_application(team, pdf(), hr)
    services.move_team(team, "apply", hr)
    with pytest.raises(PermissionDenied):
        services.move_team(
            team,
            "approve",
            hr,
            project_no="X",
            building_start=date(2025, 1, 1),
            building_end=date(2027, 12, 31),
        )
    with pytest.raises(ValidationFailed):
        services.move_team(team, "approve", bureau)
    services.move_team(
        team,
        "approve",
        bureau,
        project_no="WZ2025-01",
        building_start=date(2025, 1, 1),
        building_end=date(2027, 12, 31),
        level="city",
    )
    assert stats.team_counts()["city"] == 1
    with pytest.raises(Conflict):
        services.add_report(team, 2025, "总结", None, hr)
    services.move_team(team, "start", hr)
    services.add_report(team, 2025, "完成课程重构", None, hr)
    with pytest.raises(ValidationFailed):
        services.add_report(team, 2025, "再来一次", None, hr)
    services.raise_level(team, "province", "获评省级", bureau)
    with pytest.raises(ValidationFailed):
        services.raise_level(team, "city", "降级", bureau)
    services.move_team(team, "accept", bureau)
    assert [c.to_level for c in team.level_changes] == ["city", "province"]
    assert stats.team_counts(by="county")[team.school.county_id] == 1
    with pytest.raises(Conflict):
        services.move_team(team, "withdraw", hr)


def test_overseas_batch_from_nomination_to_report(app, school_team, make_user, make_teacher):
    team, hr = school_team()
    bureau = make_user(Role.BUREAU)
    batch = services.create_batch(
        {
            "theme": "双元制",
            "country": "德国",
            "start_date": today() + timedelta(days=30),
            "end_date": today() + timedelta(days=50),
            "capacity": 1,
        },
        [team.id],
        bureau,
    )
    backbone = [m.teacher for m in team.members if m.backbone and m.teacher]
    first, second = backbone[0], backbone[1]
    users = {t.id: make_user(Role.TEACHER, teacher=t) for t in (first, second)}
    n1, n2 = services.nominate(batch, first, hr), services.nominate(batch, second, hr)
    with pytest.raises(ValidationFailed):
        services.nominate(batch, first, hr)  # twice
    public = make_teacher(school=team.school, professional=False)
    with pytest.raises(ValidationFailed):
        services.nominate(batch, public, hr)
    services.decide_nomination(n1, "select", bureau)
    with pytest.raises(Conflict, match="名额已满"):
        services.decide_nomination(n2, "select", bureau)
    services.decide_nomination(n2, "decline", bureau)
    with pytest.raises(PermissionDenied):
        services.decide_nomination(n1, "confirm", users[second.id])
    services.decide_nomination(n1, "confirm", users[first.id])
    with pytest.raises(ValidationFailed) as err:
        services.file_report(n1, "收获", pdf("报告.pdf"), users[first.id])
    assert "回国后提交" in err.value.fields["summary"][0]
    batch.start_date, batch.end_date = date(2025, 4, 1), date(2025, 4, 20)
    db.session.commit()
    with pytest.raises(ValidationFailed):
        services.file_report(n1, "收获", None, users[first.id])
    services.file_report(n1, "学习了学徒制", pdf("报告.pdf"), users[first.id])
    assert n1.status == "reported"
    assert stats.overseas_counts()["city"] == 1 and stats.overseas_counts(by="country")["德国"] == 1


def test_selecting_a_teacher_who_has_left_is_refused(app, school_team, make_user):
    team, hr = school_team()
    bureau = make_user(Role.BUREAU)
    batch = services.create_batch(
        {
            "theme": "研修",
            "country": "意大利",
            "start_date": today() + timedelta(days=30),
            "end_date": today() + timedelta(days=40),
            "capacity": 5,
        },
        [],
        bureau,
    )
    teacher = team.members[1].teacher
    nomination = services.nominate(batch, teacher, hr)
    teacher.status = "left"
    db.session.commit()
    with pytest.raises(ValidationFailed) as err:
        services.decide_nomination(nomination, "select", bureau)
    assert "离职" in err.value.fields["teacher"][0]
    assert nomination.status == "nominated"


def test_report_reminders_and_late_flags_once(app, school_team, make_user):
    team, hr = school_team()
    bureau = make_user(Role.BUREAU)
    teacher = team.members[1].teacher
    user = make_user(Role.TEACHER, teacher=teacher)
    batch = services.create_batch(
        {
            "theme": "研修",
            "country": "瑞士",
            "start_date": today() + timedelta(days=3),
            "end_date": today() + timedelta(days=10),
            "capacity": 5,
        },
        [],
        bureau,
    )
    nomination = services.nominate(batch, teacher, hr)
    services.decide_nomination(nomination, "select", bureau)
    services.decide_nomination(nomination, "confirm", user)
    batch.start_date, batch.end_date = (
        today() - timedelta(days=40),
        today() - timedelta(days=25),
    )  # due in 5 days
    db.session.commit()
    assert jobs.overseas_reports() == {"reminded": 1, "late": 0}
    batch.end_date = today() - timedelta(days=31)
    db.session.commit()
    assert jobs.overseas_reports() == {"reminded": 0, "late": 1}
    from core.models import Notification

    jobs.overseas_reports()
    reminders = db.session.query(Notification).filter(
        Notification.user_id == user.id, Notification.kind.like("overseas_report_%")
    )
    assert reminders.count() == 2


@pytest.mark.parametrize(
    "role, sees",
    [
        ("hr", True),
        ("hr_other", False),
        ("county_bureau", True),
        ("county_other", False),
        ("city_bureau", True),
        ("organizer", False),
    ],
)
def test_who_sees_a_team(role, sees, school_team, make_user, make_school, api_client, login_as):
    team, hr = school_team(county="330302")
    users = {
        "hr": hr,
        "hr_other": make_user(Role.SCHOOL_HR, school=make_school(county="330381")),
        "county_bureau": make_user(Role.BUREAU, county="330302"),
        "county_other": make_user(Role.BUREAU, county="330381"),
        "city_bureau": make_user(Role.BUREAU),
        "organizer": make_user(Role.ORGANIZER),
    }
    user = users[role]
    assert (login_as(user).get(f"/teams/{team.id}").status_code == 200) == sees
    assert (api_client(user)("GET", f"/api/v1/teams/{team.id}").status_code == 200) == sees


def test_the_whole_path_through_the_pages(login_as, make_school, make_teacher, make_user):
    school = make_school(county="330302")
    leader = make_teacher(school=school, title="senior", staff_no="L1")
    for n in range(5):
        make_teacher(school=school, staff_no=f"M{n}")
    hr = login_as(make_user(Role.SCHOOL_HR, school=school))
    page = hr.post(
        "/teams/new",
        data={
            "name": "数字商贸团队",
            "field": "电子商务",
            "level_sought": "city",
            "leader": "L1",
            "members": "M0*, M1*, M2, M3, NOPE",
        },
    )
    assert page.status_code == 400 and "NOPE" in page.get_data(as_text=True)
    created = hr.post(
        "/teams/new",
        data={
            "name": "数字商贸团队",
            "field": "电子商务",
            "level_sought": "city",
            "leader": "L1",
            "members": "M0*, M1*, M2, M3",
            "outside": "郑工, 温州电商协会, enterprise",
        },
    )
    team_id = int(created.location.rsplit("/", 1)[1])
    hr.post(
        f"/teams/{team_id}/application",
        data={"file": (io.BytesIO(PDF), "申报书.pdf")},
        content_type="multipart/form-data",
    )
    hr.post(f"/teams/{team_id}/apply")
    bureau = login_as(make_user(Role.BUREAU))
    bureau.post(
        f"/teams/{team_id}/approve",
        data={
            "project_no": "WZ-1",
            "building_start": "2025-01-01",
            "building_end": "2027-12-31",
            "level": "city",
        },
    )
    page = bureau.get(f"/teams/{team_id}").get_data(as_text=True)
    assert "已立项" in page and "WZ-1" in page and "郑工" in page and leader.name in page
    assert "骨干教师" in login_as(make_user(Role.TEACHER, teacher=leader)).get(
        f"/teachers/{leader.id}"
    ).get_data(as_text=True)
    assert Nomination.__tablename__ == "overseas_nominations"

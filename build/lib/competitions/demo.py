"""Demo competitions: a national, a provincial and the city teacher-student competition, with
published results (including a national teaching-ability first prize and a national skills gold
with two instructors, for D-class recognition); about 40,000 entries at city scale."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert, select

from core.demo import DemoContext
from core.extensions import db
from core.models import School
from teachers.models import Teacher

from . import services
from .models import Competition, CompetitionStatus, Entry, EntryPerson, Event, Student


def _teachers(school: School, n: int, skip: set[int]) -> list[int]:
    ids = db.session.scalars(
        select(Teacher.id)
        .where(
            Teacher.school_id == school.id,
            Teacher.professional.is_(True),
            Teacher.id.not_in(skip or {-1}),
        )
        .order_by(Teacher.id)
        .limit(n)
    )
    out = list(ids)
    skip.update(out)
    return out


def build(ctx: DemoContext) -> None:
    organizer = ctx.users["organizer"]
    first, other = ctx.schools[0], ctx.schools[6]
    used: set[int] = {ctx.users["teacher"].teacher.id}
    year = 2025

    national_ta = services.save_competition(
        {
            "name": "全国职业院校技能大赛教学能力比赛",
            "series": "teaching_ability",
            "level": "national",
            "organizing_body": "教育部",
            "year": year,
            "scheme": "prizes",
            "mask_student_names": True,
        },
        organizer,
    )
    ta_event = services.add_event(
        national_ta,
        {
            "name": "专业课程一组",
            "group": "高职组",
            "team": True,
            "min_members": 3,
            "max_members": 4,
        },
        organizer,
    )
    # The demo teacher's team wins a national first prize.
    team = [ctx.users["teacher"].teacher.id, *_teachers(first, 3, used)]
    winner = services.register_entry(
        ta_event, first, services.EntryPeople(teachers=team), organizer
    )
    services.record_result(winner, "first", 1, 96.5, organizer)
    runner_up = services.register_entry(
        ta_event, other, services.EntryPeople(teachers=_teachers(other, 3, used)), organizer
    )
    services.record_result(runner_up, "second", 12, 88, organizer)
    services.publish(national_ta, organizer)

    national_skills = services.save_competition(
        {
            "name": "全国职业院校技能大赛",
            "series": "student_skills",
            "level": "national",
            "organizing_body": "教育部等",
            "year": year,
            "scheme": "medals",
            "mask_student_names": True,
        },
        organizer,
    )
    skills_event = services.add_event(
        national_skills,
        {
            "name": "工业机器人系统集成",
            "group": "中职组",
            "team": True,
            "min_members": 2,
            "max_members": 3,
        },
        organizer,
    )
    gold = services.register_entry(
        skills_event,
        first,
        services.EntryPeople(
            students=[("2023010101", "陈宇航"), ("2023010102", "林思远"), ("2023010103", "吴佳怡")],
            instructors=_teachers(first, 2, used),
        ),
        organizer,
    )
    services.record_result(gold, "gold", 1, 98, organizer)
    services.publish(national_skills, organizer)

    provincial = services.save_competition(
        {
            "name": "浙江省职业院校技能大赛",
            "series": "student_skills",
            "level": "province",
            "organizing_body": "浙江省教育厅",
            "year": year,
            "scheme": "prizes",
            "mask_student_names": True,
        },
        organizer,
    )
    event = services.add_event(
        provincial, {"name": "电子商务运营", "group": "中职组", "team": False}, organizer
    )
    for n, school in enumerate(ctx.schools[:6]):
        entry = services.register_entry(
            event,
            school,
            services.EntryPeople(
                students=[(f"2024{school.id:03d}{n:03d}", ctx.person_name())],
                instructors=_teachers(school, 1, used),
            ),
            organizer,
        )
        services.record_result(
            entry, ["first", "second", "third", "merit", None, None][n], n + 1, 90 - n, organizer
        )
    services.publish(provincial, organizer)

    # The city's own teacher-student competition, taking entries now.
    city = services.save_competition(
        {
            "name": "温州市职业学校师生技能大赛",
            "series": "teacher_student",
            "level": "city",
            "organizing_body": "温州市教育局",
            "year": date.today().year,
            "scheme": "prizes",
            "registration_opens": date(date.today().year, 1, 1),
            "registration_closes": date(date.today().year, 12, 31),
            "mask_student_names": False,
        },
        organizer,
    )
    for name in ("数控车加工", "汽车维修", "烹饪（中式热菜）"):
        services.add_event(
            city,
            {
                "name": name,
                "group": "中职组",
                "team": True,
                "min_members": 1,
                "max_members": 3,
                "quota_per_school": 2,
            },
            organizer,
        )
    ctx.echo("competitions: national, provincial (published) and the city competition (open)")
    if ctx.city:
        _city(ctx)


def _city(ctx: DemoContext) -> None:
    """About 40,000 entries over three years across the city's schools."""
    rng = ctx.rng
    teachers_by_school: dict[int, list[int]] = {}
    for tid, sid in db.session.execute(select(Teacher.id, Teacher.school_id)):
        teachers_by_school.setdefault(sid, []).append(tid)
    schools = [s.id for s in ctx.schools]
    students = []
    for sid in schools:
        for n in range(900):
            students.append(
                {"school_id": sid, "student_no": f"S{sid:03d}{n:05d}", "name": ctx.person_name()}
            )
    db.session.execute(insert(Student), students)
    student_ids: dict[int, list[int]] = {}
    for stid, sid in db.session.execute(select(Student.id, Student.school_id)):
        student_ids.setdefault(sid, []).append(stid)
    total = 0
    for year in (2023, 2024, 2025):
        competition = Competition(
            name=f"{year}年温州市职业学校师生技能大赛（规模测试）",
            series="teacher_student",
            level="city",
            year=year,
            scheme="prizes",
            status=CompetitionStatus.PUBLISHED,
        )
        db.session.add(competition)
        db.session.flush()
        events = []
        for n in range(40):
            event = Event(
                competition_id=competition.id,
                name=f"赛项{n + 1}",
                team=True,
                min_members=1,
                max_members=3,
                max_instructors=2,
            )
            db.session.add(event)
            events.append(event)
        db.session.flush()
        entries, people = [], []
        for _ in range(13_334):
            event, sid = rng.choice(events), rng.choice(schools)
            entries.append(
                {
                    "event_id": event.id,
                    "school_id": sid,
                    "award": rng.choice(["first", "second", "third", None, None, None]),
                }
            )
        db.session.execute(insert(Entry), entries)
        rows = db.session.execute(
            select(Entry.id, Entry.event_id, Entry.school_id)
            .join(Event)
            .where(Event.competition_id == competition.id)
        ).all()
        for entry_id, event_id, sid in rows:
            people.append(
                {
                    "entry_id": entry_id,
                    "event_id": event_id,
                    "role": "member",
                    "student_id": rng.choice(student_ids[sid]),
                }
            )
            if sid in teachers_by_school:
                people.append(
                    {
                        "entry_id": entry_id,
                        "event_id": event_id,
                        "role": "instructor",
                        "teacher_id": rng.choice(teachers_by_school[sid]),
                    }
                )
        db.session.execute(insert(EntryPerson), people)
        total += len(entries)
    ctx.echo(f"competitions: {total} entries over three years")

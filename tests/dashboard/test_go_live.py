"""Going live with five years of records (#24): a city with schools and nothing else imports each
kind from files written as clerks write them; the ledgers, the title-review list and every
indicator of the 2023–2025 plan are then exactly what the files say, and the same files again
change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from core import imports
from core.extensions import db
from core.models import Role
from core.timeutil import today
from dashboard.indicators import Results
from dashboard.periods import parse_period
from placements import ledger
from recognition.models import Recognition, Status
from teachers.appointments.models import Appointment, AppointmentStatus
from teachers.appointments.services import cap_refusal
from teachers.models import Teacher
from tests.placements.conftest import valid_code
from tests.sheets import import_file, preview, sheet

A, B = valid_code(101), valid_code(102)


def rows_of(kind: str, rows: list[dict]) -> list[list]:
    headers = imports.KINDS[kind].headers
    return [[row.get(h) for h in headers] for row in rows]


def roster(prefix: str) -> list[dict]:
    """Ten professional teachers, written as a 中专 writes them."""
    titles = ["讲师", "高级讲师", "助理讲师", "正高级讲师", "讲师", "一级实习指导教师", "讲师",
              "高级讲师", "讲师", "未评"]  # fmt: skip
    return [
        {"工号": f"{prefix}{n:02d}", "姓名": f"{prefix}老师{n}", "性别": "女" if n % 2 else "男",
         "出生日期": "1985/3/1", "系部/专业": "机电系", "专业教师": "是", "实习指导教师": "否",
         "用工形式": "在编", "入职日期": "2012年9月1日", "职称": titles[n],
         "职称取得日期": "2019-12-01" if titles[n] != "未评" else None, "最高学历": "本科"}
        for n in range(10)
    ]  # fmt: skip


FILES: dict[str, list[dict]] = {
    "enrolment": [
        {"学校代码": "WZA", "学年": 2025, "在校生数": 90},
        {"学校代码": "WZB", "学年": 2025, "在校生数": 110},
    ],
    "placements": [  # WZA: A00 has 150 days in the window; A01 40 days; A02 one visit in 2021
        {
            "工号": "A00",
            "企业名称": "瑞明工业",
            "统一社会信用代码": A,
            "实践岗位": "数控",
            "实践形式": "在生产和管理岗位兼职或任职",
            "开始日期": "2023-07-03",
            "结束日期": "2023-12-29",
            "实践天数": 150,
        },
        {
            "工号": "A01",
            "企业名称": "正泰电器",
            "统一社会信用代码": B,
            "实践岗位": "装配",
            "实践形式": "接受企业组织的技能培训",
            "开始日期": "2024.7.1",
            "结束日期": "2024.8.20",
            "实践天数": 40,
        },
        {
            "工号": "A02",
            "统一社会信用代码": A,
            "实践岗位": "参观",
            "实践形式": "考察观摩",
            "开始日期": "2021-05-10",
            "结束日期": "2021-05-12",
            "实践天数": 3,
        },
    ],  # fmt: skip
    "dual_qualified": [  # two held on 2025-12-31; one lapsed at its recheck in 2024
        {"工号": "A00", "等级": "中级", "认定日期": "2023-06-01", "证书编号": "ZJ2023-001"},
        {"工号": "A01", "等级": "初级", "认定日期": "2024-03-01", "证书编号": "ZJ2024-002"},
        {
            "工号": "A03",
            "等级": "高级",
            "认定日期": "2019-05-01",
            "证书编号": "ZJ2019-003",
            "复核日期": "2024-05-01",
        },
    ],  # fmt: skip
    "d_class": [
        {
            "工号": "A04",
            "类别": "D类",
            "认定日期": "2024-04-01",
            "证书编号": "WZD-H-1",
            "依据（赛事及奖项）": "2023年全国职业院校技能大赛 一等奖",
        },
    ],
    "appointments": [  # WZA may have 3 (30% of 10); the school signed 4 before Shuangshi
        {
            "姓名": f"兼职{n}",
            "性别": "男",
            "出生日期": "1975-04-18",
            "工作单位": "正泰电器",
            "职称或技能等级": ["技师", "高级工", "讲师", "高级工程师"][n] if n < 3 else "高级技师",
            "周课时": 4,
            "聘期开始": "2025-09-01",
            "聘期结束": "2027-08-31",
            "课时费(元)": 150,
        }
        for n in range(4)
    ],  # fmt: skip
    "teams": [
        {
            "团队名称": "智能制造创新团队",
            "专业(群)": "智能制造",
            "级别": "市级",
            "状态": "建设中",
            "建设开始": "2023-09-01",
            "建设结束": "2026-08-31",
            "负责人工号": "A00",
            "成员工号": "A01、A02",
            "骨干教师工号": "A03",
        },
    ],  # fmt: skip
    "overseas": [
        {
            "工号": "A05",
            "出访国家": "德国",
            "研修主题": "双元制",
            "出发日期": "2024-10-08",
            "返回日期": "2024-10-28",
        },
        {
            "工号": "A06",
            "出访国家": "德国",
            "研修主题": "双元制",
            "出发日期": "2024-10-08",
            "返回日期": "2024-10-28",
        },
    ],  # fmt: skip
}
RESULTS = [  # WZA, 2025: three teachers, an instructor and two students; an award in 2023
    {"年度": 2025, "赛事名称": "2025年温州市教师技能比赛", "赛事类别": "教师技能比赛",
     "级别": "市级", "赛项": "电工", "学校代码": "WZA", "参赛教师工号": "A00", "奖项": "一等奖",
     "名次": 1},
    {"年度": 2025, "赛事名称": "2025年温州市教师技能比赛", "赛事类别": "教师技能比赛",
     "级别": "市级", "赛项": "电工", "学校代码": "WZA", "参赛教师工号": "A01、A02",
     "奖项": "二等奖"},
    {"年度": 2025, "赛事名称": "2025年温州市学生技能大赛", "赛事类别": "学生技能大赛",
     "级别": "市级", "赛项": "钳工", "组别": "中职组", "学校代码": "WZA",
     "参赛学生(学号:姓名)": "2301001:王小明、2301002:李小红", "指导教师工号": "A03"},
    {"年度": 2023, "赛事名称": "2023年全国职业院校技能大赛", "赛事类别": "教师技能比赛",
     "级别": "国家级", "赛项": "数控", "学校代码": "WZA", "参赛教师工号": "A04", "奖项": "一等奖"},
]  # fmt: skip


@pytest.fixture
def city(make_school, login_as):  # type: ignore[no-untyped-def]
    a = make_school(code="WZA", name="甲职业学校")
    b = make_school(code="WZB", name="乙职业学校", county="330303")
    return (a, b, login_as(role=Role.BUREAU), login_as(role=Role.SCHOOL_HR, school=a),
            login_as(role=Role.ORGANIZER))  # fmt: skip


def workbook(kind: str, rows: list[dict]):  # type: ignore[no-untyped-def]
    return sheet(rows_of(kind, rows), imports.KINDS[kind].headers, imports.KINDS[kind].sheet)


def test_a_city_goes_live_with_its_history(city):
    a, b, bureau, hr, organizer = city
    steps = [(bureau, "roster", roster("A"), "WZA"), (bureau, "roster", roster("B"), "WZB")]
    steps += [(bureau, kind, rows, None if kind == "enrolment" else "WZA")
              for kind, rows in FILES.items()]  # fmt: skip
    steps += [(organizer, "results", RESULTS, None)]
    for client, kind, rows, school in steps:
        form = {"school": school} if school else {}
        done = import_file(client, kind, workbook(kind, rows), **form)
        assert done.status_code == 302, (kind, done.get_data(as_text=True)[-2000:])

    # A past contest imported today says so on its public page, not "results published today".
    from competitions.models import Competition

    national = db.session.scalar(select(Competition).where(Competition.year == 2023))
    public = client.get(f"/results/{national.id}").get_data(as_text=True)
    assert "成绩由历史记录导入" in public and "成绩发布于" not in public
    # The ledgers and the title-review gate read the imported practice.
    teachers = {t.staff_no: t for t in db.session.scalars(select(Teacher))}
    assert len(teachers) == 20
    assert (teachers["A01"].title, teachers["A01"].title_name) == ("associate_senior", "高级讲师")
    on = today()
    assert ledger.summary(teachers["A00"], on).days_in_window == 150
    assert ledger.summary(teachers["A02"], on).days_in_window == 0  # 2021: out of the window
    # Imported appointments count as they are: WZA is over its cap, and stays blocked.
    appointments = db.session.scalars(select(Appointment)).all()
    assert len(appointments) == 4
    assert {x.status for x in appointments} == {AppointmentStatus.APPROVED}
    new = Appointment(school_id=a.id, term_start=date(2026, 9, 1), term_end=date(2027, 8, 31))
    assert cap_refusal(new) is not None

    # The plan's figures are what the files say.
    period = parse_period("2023-2025")
    results = Results(period)
    figures = {k: f for k, f in results.figures().items()}
    assert (figures["dual_qualified_ratio"].numerator,
            figures["dual_qualified_ratio"].denominator) == (2, 20)  # fmt: skip
    assert figures["dual_qualified_teachers"].numerator == 2  # recognised 2023–2025
    assert figures["enterprise_practice_person_times"].numerator == 2
    assert figures["innovation_teams"].numerator == 1
    assert figures["overseas_study_teachers"].numerator == 2
    assert figures["d_class_talents"].numerator == 1
    assert (figures["part_time_ratio"].numerator, figures["part_time_ratio"].denominator) == (
        4, 20)  # fmt: skip
    school_a = results.figure("competition_participation_rate", [a.id])
    assert (school_a.numerator, school_a.denominator) == (3 + 1 + 2, 10 + 90)  # instructor too
    assert results.figure("dual_qualified_ratio", [b.id]).numerator == 0

    # The same files again: everything unchanged, nothing written.
    counted = db.session.scalar(select(func.count(Recognition.id)))
    for client, kind, rows, school in steps:
        form = {"school": school} if school else {}
        page = preview(client, kind, workbook(kind, rows), **form)
        text = page.get_data(as_text=True)
        assert page.status_code == 200 and 'id="count-unchanged">' in text, kind
        assert 'id="count-created">0<' in text and 'id="count-updated">0<' in text, kind
    assert db.session.scalar(select(func.count(Recognition.id))) == counted


def test_an_ethics_failure_imported_revokes_the_recognition_held(city):
    a, _b, bureau, hr, _organizer = city
    import_file(bureau, "roster", workbook("roster", roster("A")), school="WZA")
    import_file(bureau, "dual_qualified", workbook("dual_qualified", FILES["dual_qualified"]),
                school="WZA")  # fmt: skip
    ethics = [
        {"工号": "A00", "年度": 2024, "考核结果": "合格"},
        {"工号": "A01", "年度": 2024, "考核结果": "不合格", "处分期至": "2026-06-30"},
    ]
    assert import_file(hr, "ethics", workbook("ethics", ethics)).status_code == 302
    held = {r.certificate_no: r.status for r in db.session.scalars(select(Recognition))}
    assert held["ZJ2023-001"] == Status.CONFIRMED and held["ZJ2024-002"] == Status.REVOKED
    assert (
        Decimal(Results(parse_period("2023-2025")).figure("dual_qualified_ratio", [a.id]).numerator)
        == 1
    )

"""The counties' yearly assessment (plan article 二十): a year computed from the indicators and
two figures the bureau enters, ranked, published (frozen: a later record change leaves the
published totals as they were), its 通报 PDF with every figure, and the API's reach per role."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from core import rules
from core.errors import ValidationFailed
from core.extensions import db
from core.models import AuditEntry, Notification, Role
from core.timeutil import today
from dashboard.assessment import compute
from dashboard.assessment.models import ManualFigure
from teachers.literacy import services as literacy
from tests import pdftext

YEAR = today().year
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
# Three counted items and two the bureau enters, weights summing to 100.
ITEMS = [
    {"key": "digital_literacy_pass_rate", "measure": "digital_literacy_pass_rate",
     "target": "1.00", "weight": 40},
    {"key": "teachers_recruited", "measure": "teachers_recruited", "target": 2, "weight": 20},
    {"key": "part_time_within_cap", "measure": "part_time_within_cap", "target": "1.00",
     "weight": 10},
    {"key": "funding", "measure": "manual", "unit": "ratio", "target": "1.00", "weight": 15},
    {"key": "vocational_share", "measure": "manual", "unit": "ratio", "target": "0.50",
     "weight": 15},
]  # fmt: skip
DIMS = ("awareness", "skills", "application", "responsibility", "development")
PASS, FAIL = dict.fromkeys(DIMS, 16), dict.fromkeys(DIMS, 8)


def evidence(name: str = "统计公报.pdf") -> tuple[io.BytesIO, str]:
    return io.BytesIO(PDF), name


@pytest.fixture
def city(make_school, make_teacher, make_user):  # type: ignore[no-untyped-def]
    """鹿城区: four professional teachers, two hired this year, three of four passing the
    year's literacy round; 龙湾区: two teachers of long standing, one of two passing."""
    admin = make_user(Role.ADMIN)
    rules.add_version("county_assessment_items", __import__("json").dumps(ITEMS),
                      date(YEAR - 1, 1, 1), "city", "test items", admin)  # fmt: skip
    a, b = make_school(county="330302"), make_school(county="330303")
    hired = [date(YEAR, 3, 1), date(YEAR, 9, 1), date(2010, 9, 1), date(2012, 9, 1)]
    in_a = [make_teacher(school=a, hire_date=h, name=f"鹿{n}") for n, h in enumerate(hired)]
    in_b = [make_teacher(school=b, name=f"龙{n}") for n in range(2)]
    bureau = make_user(Role.BUREAU)
    round_ = literacy.open_round(
        {"year": YEAR, "name": "年度测评", "takers": "professional",
         "opens_on": date(YEAR, 1, 2), "closes_on": date(YEAR, 12, 30)}, None, bureau,
    )  # fmt: skip
    for teacher, scores in zip(in_a + in_b, [PASS, PASS, PASS, FAIL, PASS, FAIL], strict=True):
        literacy.record(round_, teacher, scores, bureau)
    db.session.commit()
    return {"a": a, "b": b, "in_a": in_a, "round": round_, "bureau": bureau,
            "lucheng": make_user(Role.BUREAU, county="330302"),
            "longwan": make_user(Role.BUREAU, county="330303")}  # fmt: skip


def enter(client, county: str, item: str, value: str, file=True):  # type: ignore[no-untyped-def]
    data = {"item": item, "value": value, "note": ""}
    if file:
        data["evidence"] = evidence()
    return client.post(f"/assessment/{YEAR}/counties/{county}/figures", data=data,
                       content_type="multipart/form-data")  # fmt: skip


def test_a_year_computed_ranked_published_and_frozen(  # type: ignore[no-untyped-def]
    city, login_as, api_client, make_user, make_teacher
):
    c = login_as(city["bureau"])
    page = c.get(f"/assessment?year={YEAR}").get_data(as_text=True)
    assert "鹿城区" in page and "龙湾区" in page and "还缺 4 项由教育局录入的数据" in page
    assert 'id="why-publish"' in page  # publishing waits for the figures
    assert 'id="unconfirmed"' not in page  # the city entered its own items
    # Bad figures are refused field by field, and nothing is saved.
    over = enter(c, "330302", "funding", "120")
    assert over.status_code == 400 and "请输入 0 到 100 之间的百分比" in over.get_data(as_text=True)
    bare = enter(c, "330302", "funding", "90", file=False)
    assert bare.status_code == 400 and "请附上数据来源的证明材料" in bare.get_data(as_text=True)
    assert db.session.query(ManualFigure).count() == 0
    for county, funding, share in (("330302", "90", "45"), ("330303", "100", "55")):
        assert enter(c, county, "funding", funding).status_code == 303
        assert enter(c, county, "vocational_share", share).status_code == 303
    entered = db.session.scalars(select(AuditEntry).filter_by(action="assessment_figure_entered"))
    assert sorted(e.changes["value"][1] for e in entered) == [
        "0.4500", "0.5500", "0.9000", "1.0000"]  # fmt: skip
    assert enter(c, "330302", "funding", "92", file=False).status_code == 303  # kept evidence
    corrected = db.session.scalars(
        select(AuditEntry).filter_by(action="assessment_figure_corrected")
    )
    assert [e.changes["value"] for e in corrected] == [["0.9000", "0.9200"]]
    assert enter(c, "330302", "funding", "90", file=False).status_code == 303  # back, for the sums

    def items(body, code):  # type: ignore[no-untyped-def]
        county = next(x for x in body["counties"] if x["county"] == code)
        return {i["key"]: (i["value"], i["score"]) for i in county["items"]}, county

    city_api = api_client(city["bureau"])
    body = city_api("GET", f"/api/v1/county-assessments?year={YEAR}").json
    assert body["published"] is False
    lucheng, row = items(body, "330302")
    assert lucheng == {"digital_literacy_pass_rate": (0.75, 30.0), "teachers_recruited": (2, 20.0),
                       "part_time_within_cap": (1.0, 10.0), "funding": (0.9, 13.5),
                       "vocational_share": (0.45, 13.5)}  # fmt: skip
    assert (row["total"], row["rank"]) == (87.0, 1)
    longwan, row = items(body, "330303")
    assert longwan["digital_literacy_pass_rate"] == (0.5, 20.0)
    assert longwan["teachers_recruited"] == (0, 0.0)
    assert longwan["vocational_share"] == (0.55, 15.0)  # capped at its weight
    assert (row["total"], row["rank"]) == (60.0, 2)

    # Before publishing, a county bureau reads its own county, unranked; teachers and HR nothing.
    own = api_client(city["longwan"])("GET", f"/api/v1/county-assessments?year={YEAR}").json
    assert [x["county"] for x in own["counties"]] == ["330303"]
    assert own["counties"][0]["rank"] is None
    # (a teacher of the public courses: outside every base the assessment counts)
    outside = make_teacher(school=city["a"], professional=False)
    for role, kw in ((Role.TEACHER, {"teacher": outside}), (Role.SCHOOL_HR, {"school": city["a"]})):
        user = make_user(role, **kw)
        assert api_client(user)("GET", "/api/v1/county-assessments").status_code == 403
        assert login_as(user).get("/assessment").status_code == 403

    # The county page drills to its school's contribution.
    drill = c.get(f"/assessment/{YEAR}/counties/330302").get_data(as_text=True)
    assert "75.0%" in drill and "(3 / 4)" in drill and 'id="county-rank"' in drill

    published = c.post(f"/assessment/{YEAR}/publish")
    assert published.status_code == 303
    audit = db.session.scalars(select(AuditEntry).filter_by(action="assessment_published")).one()
    assert audit.actor_id == city["bureau"].id
    told = {n.user_id for n in db.session.scalars(
        select(Notification).filter_by(kind="assessment_published"))}  # fmt: skip
    assert {city["lucheng"].id, city["longwan"].id} <= told

    # A later record change moves the live count, never the published year.
    literacy.record(city["round"], city["in_a"][3], PASS, city["bureau"])
    db.session.commit()
    assert compute.compute(YEAR).county("330302").total == 97
    again = city_api("GET", f"/api/v1/county-assessments?year={YEAR}").json
    assert again["published"] is True and items(again, "330302")[1]["total"] == 87.0
    late = city_api("POST", f"/api/v1/county-assessments/{YEAR}/figures",
                    data={"county": "330302", "item": "funding", "value": "0.5",
                          "evidence": evidence()}, json=None)  # fmt: skip
    assert late.status_code == 409
    # Once published, every county bureau reads the ranking.
    ranked = api_client(city["longwan"])("GET", f"/api/v1/county-assessments?year={YEAR}").json
    assert [(x["county"], x["rank"]) for x in ranked["counties"]] == [("330302", 1), ("330303", 2)]

    notice = login_as(city["longwan"]).get(f"/assessment/{YEAR}/notice.pdf")
    assert notice.status_code == 200 and notice.mimetype == "application/pdf"
    missing = pdftext.shows(
        notice.data, f"{YEAR}年度县（市、区）考核通报", "鹿城区", "龙湾区", "87.00", "60.00",
        "75.0%", "50.0%", "30.00", "20.00", "13.50", "90.0%", "45.0%", "55.0%",
        "数字素养达标率", "兼职教师未超限额的学校占比", city["bureau"].display_name,
    )  # fmt: skip
    assert not missing, missing


def test_an_interview_reaches_the_county_bureau(city, login_as, api_client, make_user):  # type: ignore[no-untyped-def]
    from core import nav

    c = login_as(city["bureau"])
    held = today().replace(day=1) if today().day > 2 else today()
    form = {"held_on": held.isoformat(), "attendees": "市局职成处；鹿城区教育局",
            "issues": "数字素养达标率偏低", "commitment": ["组织补考", "专项检查", ""],
            "due_on": [held.isoformat(), date(YEAR + 1, 3, 1).isoformat(), ""]}  # fmt: skip
    empty = c.post(f"/assessment/{YEAR}/counties/330302/interviews",
                   data={**form, "commitment": ["", "", ""], "due_on": ["", "", ""]})  # fmt: skip
    assert empty.status_code == 400 and "至少记录一项承诺" in empty.get_data(as_text=True)
    made = c.post(f"/assessment/{YEAR}/counties/330302/interviews", data=form)
    assert made.status_code == 303
    interview_url = made.location
    lucheng, longwan = city["lucheng"], city["longwan"]
    waiting = {str(i.label): i.count for i in nav.inbox(lucheng)}
    assert waiting.get("待报告整改情况的约谈承诺") == 1
    assert not any("约谈" in str(i.label) for i in nav.inbox(longwan))
    assert login_as(longwan).get(interview_url).status_code == 403
    # The first commitment is due on the day of the interview: overdue once that day is past.
    if held < today():
        assert "逾期未完成的承诺" in c.get("/dashboard").get_data(as_text=True)
        county_board = login_as(lucheng).get("/dashboard").get_data(as_text=True)
        assert "逾期未完成的承诺" in county_board and "组织补考" in county_board
        assert "逾期" not in login_as(longwan).get("/dashboard").get_data(as_text=True)

    county = login_as(lucheng)
    page = county.get(interview_url).get_data(as_text=True)
    ids = [int(x.split('"')[0]) for x in page.split('data-commitment="')[1:]]
    half = county.post(interview_url, data={"action": "report", f"action_{ids[0]}": "已完成补考"})
    assert half.status_code == 400 and "请说明这项承诺的完成情况" in half.get_data(as_text=True)
    done = county.post(interview_url, data={"action": "report", f"action_{ids[0]}": "已完成补考",
                                            f"action_{ids[1]}": "检查已开展"})  # fmt: skip
    assert done.status_code == 303
    assert {str(i.label): i.count for i in nav.inbox(city["bureau"])}.get(
        "待审阅的约谈整改报告") == 1  # fmt: skip
    assert "逾期未完成" not in c.get("/dashboard").get_data(as_text=True)
    no_reason = c.post(interview_url, data={"action": "return"})
    assert no_reason.status_code == 400 and "请填写理由" in no_reason.get_data(as_text=True)
    assert c.post(interview_url, data={"action": "close"}).status_code == 303
    actions = [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert {"interview_recorded", "interview_reported", "interview_closed"} <= set(actions)

    # The API: the city records, a county bureau may not; its own interviews only.
    body = {"county": "330303", "held_on": today().isoformat(), "attendees": "龙湾区教育局",
            "issues": "招聘偏少",
            "commitments": [{"text": "补充招聘", "due_on": "2099-01-01"}]}  # fmt: skip
    assert api_client(longwan)("POST", f"/api/v1/county-assessments/{YEAR}/interviews",
                               json=body).status_code == 403  # fmt: skip
    made = api_client(city["bureau"])("POST", f"/api/v1/county-assessments/{YEAR}/interviews",
                                      json=body)  # fmt: skip
    assert made.status_code == 201 and made.json["status"] == "open"
    listed = api_client(longwan)("GET", "/api/v1/interviews").json["items"]
    assert [i["county"] for i in listed] == ["330303"]
    report = api_client(longwan)(
        "POST", f"/api/v1/interviews/{made.json['id']}/report",
        json={"commitments": [{"id": made.json["commitments"][0]["id"], "action": "已招聘 3 人"}],
              "send": True},
    )  # fmt: skip
    assert report.status_code == 200 and report.json["status"] == "reported"


def test_the_items_rule_refuses_what_it_cannot_score(make_user, make_school, login_as):  # type: ignore[no-untyped-def]
    admin = make_user(Role.ADMIN)
    make_school(county="330302")
    page = login_as(make_user(Role.BUREAU)).get("/assessment").get_data(as_text=True)
    assert "尚未经本市确认" in page  # the shipped items are in force, and the page says so
    with pytest.raises(ValidationFailed) as refused:
        rules.add_version("county_assessment_items",
                          '[{"key": "x", "measure": "happiness", "target": 1, "weight": 5}]',
                          date(YEAR, 1, 1), "city", "", admin)  # fmt: skip
    assert "happiness" in refused.value.fields["value"][0]
    # The shipped items as the rules page reads them: a line each, then the weights' sum.
    rule = rules.REGISTRY["county_assessment_items"]
    lines = rule.lines(rule.default)
    assert len(lines) == len(rule.default) + 1 and lines[-1] == "权重合计：100"
    assert rule.unconfirmed


def test_the_assessment_takes_the_plan_s_targets_not_a_copy(app, make_user):  # type: ignore[no-untyped-def]
    """90% was written twice (the plan, and the assessment's items): a city whose next plan asks
    95% saw its assessment still score against 90%."""
    import json

    from dashboard.assessment.items import describe

    admin = make_user(Role.ADMIN)
    plan = {
        "name": "2026-2028",
        "start": "2026-01-01",
        "end": "2028-12-31",
        "targets": {"dual_qualified_ratio": "0.95", "competition_participation_rate": "0.45"},
    }
    rules.add_version("plan_targets", json.dumps(plan), date(2026, 1, 1), "city", "新规划", admin)
    db.session.commit()
    targets = {i.key: i.target for i in compute.items_of(2026)}
    assert targets["dual_qualified_ratio"] == Decimal("0.95")
    assert targets["competition_participation_rate"] == Decimal("0.45")
    assert {i.key: i.target for i in compute.items_of(2025)}["dual_qualified_ratio"] == Decimal(
        "0.90"
    )  # the year before: the plan then in force
    literacy = rules.get_rule("literacy_pass_rate_target", date(2026, 12, 31))
    assert targets["digital_literacy_pass_rate"] == Decimal(str(literacy))  # its own rule
    from flask_babel import force_locale

    from dashboard.assessment.items import DEFAULT_ITEMS

    with force_locale("zh_Hans_CN"):
        assert any("（规划目标）" in line for line in describe(DEFAULT_ITEMS))

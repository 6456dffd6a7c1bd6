"""Digital literacy (plan article 十五): a round opened by the bureau, results entered and
imported for a school (some passing, some failing a dimension), the teacher's own dimensions
and history, and the pass rate exact per school, county and city in the API and on the board."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from core.extensions import db
from core.models import AuditEntry, Role
from teachers.literacy import services
from teachers.literacy.models import LiteracyResult
from tests import pdftext
from tests.sheets import confirm, preview, sheet

DIMS = ("awareness", "skills", "application", "responsibility", "development")


def scores(*values: float) -> dict[str, str]:
    return {d: str(v) for d, v in zip(DIMS, values, strict=True)}


def test_a_round_from_opening_to_the_pass_rate(
    make_school, make_teacher, make_user, login_as, api_client
):
    school, other = make_school(county="330302"), make_school(county="330302")
    passing, weak, low = (
        make_teacher(school=school, name=n) for n in ("甲通过", "乙短板", "丙未达")
    )
    make_teacher(school=school, name="丁未测")  # was to take it, has no result yet
    make_teacher(school=school, professional=False)  # public course: not in the base
    elsewhere = make_teacher(school=other)
    hr, other_hr = make_user(Role.SCHOOL_HR, school=school), make_user(Role.SCHOOL_HR, school=other)
    bureau = make_user(Role.BUREAU)
    me = make_user(Role.TEACHER, teacher=weak)

    page = login_as(bureau).post("/literacy", data={
        "year": "2026", "name": "年度测评", "takers": "professional",
        "opens_on": "2026-03-01", "closes_on": "2026-06-30"})  # fmt: skip
    assert page.status_code == 302
    round_id = int(page.location.rsplit("/", 1)[1])
    c = login_as(hr)
    ok = c.post(f"/literacy/{round_id}", data={"staff_no": passing.staff_no,
                                              **scores(16, 15, 17, 14, 15)})  # fmt: skip
    assert ok.status_code == 302
    # A total above 60 with one dimension under half its maximum: not passed.
    c.post(f"/literacy/{round_id}", data={"staff_no": weak.staff_no, **scores(18, 18, 18, 5, 18)})
    c.post(f"/literacy/{round_id}", data={"staff_no": low.staff_no, **scores(11, 11, 11, 11, 11)})
    bad = c.post(f"/literacy/{round_id}", data={"staff_no": low.staff_no, **scores(25, 1, 1, 1, 1)})
    assert bad.status_code == 400 and "应在 0 到 20 之间" in bad.get_data(as_text=True)
    refused = login_as(other_hr).post(
        f"/literacy/{round_id}", data={"staff_no": passing.staff_no, **scores(1, 1, 1, 1, 1)}
    )
    assert refused.status_code == 400 and "没有该工号的教师" in refused.get_data(as_text=True)
    results = {r.teacher_id: r.passed for r in db.session.scalars(select(LiteracyResult))}
    assert results == {passing.id: True, weak.id: False, low.id: False}

    # HR were told the round opened (their step); the teacher is told the result.
    from core.models import Notification

    kinds = {(n.user_id, n.kind) for n in db.session.scalars(select(Notification))}
    assert (hr.id, "literacy_round_opened") in kinds and (me.id, "literacy_not_passed") in kinds
    # The teacher sees their dimensions against the line, and what to work on.
    mine = login_as(me).get(f"/teachers/{weak.id}").get_data(as_text=True)
    assert "不合格" in mine and "应先提升：数字社会责任" in mine
    # A retake replaces the result and keeps the history.
    c.post(f"/literacy/{round_id}", data={"staff_no": weak.staff_no, **scores(18, 18, 18, 12, 18)})
    kept = db.session.scalars(
        select(LiteracyResult).where(LiteracyResult.teacher_id == weak.id)
    ).all()
    assert [(r.passed, r.current) for r in kept] == [(False, False), (True, True)]
    assert "被补考成绩替代" in login_as(me).get(f"/teachers/{weak.id}").get_data(as_text=True)
    record = login_as(hr).get(f"/teachers/{weak.id}/development-record.pdf").data
    assert not pdftext.shows(record, "数字素养", "数字社会责任 12.0", "（已被补考替代）", "不合格")
    assert db.session.query(AuditEntry).filter_by(action="literacy_retaken").count() == 1

    # The pass rate: 2 of the 4 professional teachers of the school; the other school has no
    # result (1 to take it, 0 passed); county and city sum them.
    call = api_client(bureau)
    figure = call("GET", f"/api/v1/indicators?scope=school:{school.code}&period=2026").json
    rate = figure["indicators"]["digital_literacy_pass_rate"]
    assert (rate["numerator"], rate["denominator"], rate["target"]) == (2, 4, 1.0)
    city = call("GET", "/api/v1/indicators?scope=city&period=2026").json
    assert city["indicators"]["digital_literacy_pass_rate"]["numerator"] == 2
    assert city["indicators"]["digital_literacy_pass_rate"]["denominator"] == 5
    drill = (
        login_as(bureau)
        .get(f"/dashboard/list/digital_literacy_pass_rate?scope=school:{school.code}&period=2026")
        .get_data(as_text=True)
    )
    assert "丙未达" in drill and "丁未测" in drill and "尚无成绩" in drill
    assert "甲通过" not in drill and elsewhere.name not in drill
    # Teachers do not open rounds or record results.
    assert login_as(me).get("/literacy").status_code == 403


def test_results_come_in_from_the_assessment_sheet(make_school, make_teacher, make_user, login_as):
    school = make_school()
    first, second = (
        make_teacher(school=school, name="赵一"),
        make_teacher(school=school, name="钱二"),
    )
    hr = make_user(Role.SCHOOL_HR, school=school)
    round_ = services.open_round(
        {"year": 2026, "name": "年度测评", "takers": "professional",
         "opens_on": date(2026, 3, 1), "closes_on": date(2026, 6, 30)}, None, make_user(Role.BUREAU)
    )  # fmt: skip
    db.session.commit()
    headers = ["测评", "工号", "姓名", "数字化意识", "数字技术知识与技能", "数字化应用",
               "数字社会责任", "专业发展"]  # fmt: skip
    rows = [[str(round_), first.staff_no, "赵一", 16, 15, 17, 14, 15],
            [str(round_), second.staff_no, "钱二", 18, 18, 18, "５", 18]]  # fmt: skip
    c = login_as(hr)
    page = preview(c, "literacy", sheet(rows, headers))
    text = page.get_data(as_text=True)
    assert 'id="count-created">2<' in text and db.session.query(LiteracyResult).count() == 0
    confirm(c, "literacy", page)
    assert {(r.teacher_id, r.passed) for r in db.session.scalars(select(LiteracyResult))} == {
        (first.id, True), (second.id, False)}  # fmt: skip
    again = preview(c, "literacy", sheet(rows, headers)).get_data(as_text=True)
    assert 'id="count-unchanged">2<' in again
    rows[1][6] = 12  # the retake
    retake = preview(c, "literacy", sheet(rows, headers))
    assert 'id="count-updated">1<' in retake.get_data(as_text=True)
    confirm(c, "literacy", retake)
    assert db.session.query(LiteracyResult).filter_by(teacher_id=second.id).count() == 2
    wrong = [
        [str(round_), "NOPE", "", 1, 1, 1, 1, 1],
        [str(round_), first.staff_no, "赵一", 30, 1, 1, 1, 1],
    ]
    refused = preview(c, "literacy", sheet(wrong, headers)).get_data(as_text=True)
    assert "没有这个工号的教师" in refused and "应在 0 到 20 之间" in refused


def test_the_api_twins(make_school, make_teacher, make_user, api_client):
    school = make_school()
    teacher = make_teacher(school=school)
    bureau, hr = (
        api_client(make_user(Role.BUREAU)),
        api_client(make_user(Role.SCHOOL_HR, school=school)),
    )
    opened = {"year": 2026, "name": "年度测评", "opens_on": "2026-03-01", "closes_on": "2026-06-30"}
    made = bureau("POST", "/api/v1/literacy/rounds", json=opened)
    assert made.status_code == 201 and made.json["takers_label"] == "在岗专业教师"
    url = f"/api/v1/literacy/rounds/{made.json['id']}/results"
    body = {
        "staff_no": teacher.staff_no,
        "scores": dict(zip(DIMS, (16, 15, 17, 14, 15), strict=True)),
    }
    done = hr("POST", url, json=body)
    assert done.status_code == 200 and done.json["passed"] is True and done.json["total"] == 77
    assert hr("POST", url, json=body).json["id"] == done.json["id"]  # the same again: unchanged
    bad = hr("POST", url, json={**body, "scores": {**body["scores"], "skills": 30}})
    # Well formed, refused by the round's maxima: a rule, as the API answers rules (409).
    assert bad.status_code == 409 and "skills" in bad.json["error"]["fields"]
    assert hr("GET", "/api/v1/literacy/rounds").json["items"][0]["name"] == "年度测评"
    own = api_client(make_user(Role.TEACHER, teacher=teacher))
    assert own("POST", url, json=body).status_code == 403
    assert hr("POST", "/api/v1/literacy/rounds/999/results", json=body).status_code == 404

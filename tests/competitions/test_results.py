"""Results: the award scheme, publishing, corrections with reasons and their announcement, the
Excel import, and the public page."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from competitions import results_sheet, services
from competitions.models import Entry, EntryPerson, ResultRevision, Student
from competitions.services import EntryPeople
from competitions.signals import results_changed
from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.timeutil import today


@pytest.fixture
def two_entries(make_competition, make_event, make_school, organizer):  # type: ignore[no-untyped-def]
    competition = make_competition(scheme="medals", mask=True)
    event = make_event(competition, team=False)
    a, b = make_school(name="甲职校"), make_school(name="乙职校")
    first = services.register_entry(event, a, EntryPeople(students=[("1", "王小明")]), organizer)
    second = services.register_entry(event, b, EntryPeople(students=[("1", "李四")]), organizer)
    db.session.commit()
    return competition, first, second


def test_awards_must_be_in_the_scheme(app, two_entries, organizer):
    competition, first, _ = two_entries
    with pytest.raises(ValidationFailed) as err:
        services.record_result(first, "first", 1, 90, organizer)
    assert "金牌" in err.value.fields["award"][0] and "gold" not in err.value.fields["award"][0]
    services.record_result(first, "gold", 1, 90, organizer)


def test_publishing_announces_and_corrections_need_a_reason(app, two_entries, organizer):
    competition, first, second = two_entries
    heard = []

    def listener(sender, entries, reason):  # type: ignore[no-untyped-def]
        heard.append((sender.id, sorted(e.id for e in entries), reason))

    results_changed.connect(listener)
    try:
        services.record_result(first, "gold", 1, 95, organizer)
        services.publish(competition, organizer)
        with pytest.raises(Conflict):
            services.publish(competition, organizer)
        with pytest.raises(ValidationFailed):
            services.record_result(first, "silver", 2, 90, organizer)
        services.record_result(first, "silver", 2, 90, organizer, "复核后分数更正")
    finally:
        results_changed.disconnect(listener)
    assert heard == [
        (competition.id, sorted([first.id, second.id]), "published"),
        (competition.id, [first.id], "corrected"),
    ]
    revision = db.session.query(ResultRevision).one()
    assert revision.changes["award"] == ["gold", "silver"] and revision.reason == "复核后分数更正"


def sheet_bytes(rows: list[list]) -> io.BytesIO:
    wb = Workbook()
    wb.active.append(results_sheet.HEADERS)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def test_the_import_is_all_or_nothing_with_a_report(app, two_entries, organizer):
    competition, first, second = two_entries
    template = load_workbook(io.BytesIO(_save(results_sheet.template(competition))))
    assert [c.value for c in template.active[1]] == results_sheet.HEADERS
    report = results_sheet.import_results(
        competition,
        sheet_bytes([[first.id, "", "", "", "金牌", 1, 97], [999, "", "", "", "银牌", 2, 90]]),
        organizer,
    )
    problems = {(row, column): reason for row, column, reason in report.errors}
    assert "不属于本比赛" in problems[(3, "报名编号")]
    assert any(f"缺少报名编号 {second.id}" in r for r in problems.values())
    db.session.refresh(first)
    assert first.award is None  # nothing imported
    report = results_sheet.import_results(
        competition,
        sheet_bytes(
            [[first.id, "", "", "", "金牌", 1, 97], [second.id, "", "", "", "一等奖", 2, 90]]
        ),
        organizer,
    )
    assert ("3", "奖项") in {(str(r), c) for r, c, _ in report.errors}
    report = results_sheet.import_results(
        competition,
        sheet_bytes([[first.id, "", "", "", "金牌", 1, 97], [second.id, "", "", "", "", "", ""]]),
        organizer,
    )
    assert report.ok and report.recorded == 2
    db.session.refresh(first)
    assert first.award == "gold" and first.rank == 1


def _save(wb) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_the_public_page_masks_students_as_the_organizer_chose(app, client, two_entries, organizer):
    competition, first, second = two_entries
    services.record_result(first, "gold", 1, 95, organizer)
    db.session.commit()
    assert client.get(f"/results/{competition.id}").status_code == 404  # not yet published
    services.publish(competition, organizer)
    db.session.commit()
    page = client.get(f"/results/{competition.id}").get_data(as_text=True)
    assert "王*明" in page and "王小明" not in page and "甲职校" in page
    api = client.get(f"/api/v1/competitions/{competition.id}/results").json
    assert "王*明" in api["entries"][0]["members"] + api["entries"][1]["members"]


def _published_with_entries(make_competition, make_event, make_school, organizer, n: int):  # type: ignore[no-untyped-def]
    competition = make_competition(name="2026年温州市技能大赛", year=2026, mask=False)
    events = [make_event(competition, team=False, name=f"赛项{k}") for k in range(2)]
    schools = [make_school(name=f"第{k}职校") for k in range(3)]
    awards = ("first", "second", "third", "merit")
    for k in range(n):
        entry = services.register_entry(
            events[k % 2],
            schools[k % 3],
            EntryPeople(students=[(str(k), f"学生{k:03d}")]),
            organizer,
        )
        services.record_result(entry, awards[k % 4], k + 1, 90, organizer)
    services.publish(competition, organizer)
    db.session.commit()
    return competition, events, schools


def test_the_public_page_pages_and_filters_a_large_competition(
    app, client, make_competition, make_event, make_school, organizer
):
    from tests.conftest import counted_statements

    competition, events, schools = _published_with_entries(
        make_competition, make_event, make_school, organizer, 120
    )
    url = f"/results/{competition.id}"
    first = client.get(url).get_data(as_text=True)
    assert "2026年温州市技能大赛" in first and "2026 2026" not in first
    assert "第 1 页，共 3 页" in first and "学生000" in first and "学生119" not in first
    assert client.get(url + "?page=3").get_data(as_text=True).count("学生") == 20
    # Filters narrow the list; a filter value that is not one of the choices is ignored.
    only = client.get(f"{url}?school={schools[1].id}&award=second").get_data(as_text=True)
    names = {n for n in (f"学生{k:03d}" for k in range(120)) if n in only}
    assert names == {f"学生{k:03d}" for k in range(120) if k % 3 == 1 and k % 4 == 1}
    assert "学生000" in client.get(f"{url}?school=999999&award=nope").get_data(as_text=True)
    # The statements of a page do not grow with the entries.
    with counted_statements() as small:
        client.get(url + "?page=3")
    for k in range(120, 240):  # straight into the tables: the competition is closed to entries
        student = Student(school_id=schools[0].id, student_no=str(k), name=f"学生{k:03d}")
        entry = Entry(event_id=events[0].id, school_id=schools[0].id, award="merit", rank=k)
        db.session.add_all([student, entry])
        db.session.flush()
        db.session.add(
            EntryPerson(
                entry_id=entry.id, event_id=events[0].id, role="member", student_id=student.id
            )
        )
    db.session.commit()
    with counted_statements() as large:
        client.get(url + "?page=3")
    assert len(large) == len(small)


def test_the_public_page_answers_304_until_the_results_change(
    app, client, make_competition, make_event, make_school, organizer
):
    competition, _events, _schools = _published_with_entries(
        make_competition, make_event, make_school, organizer, 4
    )
    url = f"/results/{competition.id}"
    first = client.get(url)
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert first.status_code == 200
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # Another page of the list or another language is another document.
    assert client.get(url + "?page=2", headers={"If-None-Match": tag}).status_code == 200
    # A correction after publication changes the tag: readers see it at once.
    entry = db.session.scalars(select(Entry).order_by(Entry.id)).first()
    services.record_result(entry, "first", 1, 99, organizer, "复核更正")
    db.session.commit()
    changed = client.get(url, headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag


def test_anonymous_readers_share_a_rendered_page_but_not_a_csrf_token(
    app, make_competition, make_event, make_school, organizer, monkeypatch
):
    competition, _events, _schools = _published_with_entries(
        make_competition, make_event, make_school, organizer, 4
    )
    url = f"/results/{competition.id}"
    pages = [app.test_client().get(url).get_data(as_text=True) for _ in range(2)]
    tokens = [re.search(r'name="csrf_token" value="([^"]+)"', p).group(1) for p in pages]  # type: ignore[union-attr]
    assert tokens[0] != tokens[1]  # each reader's own session
    assert pages[0].replace(tokens[0], "") == pages[1].replace(tokens[1], "")
    # Each reader can still switch the language with the token they were given (CSRF checked).
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    reader = app.test_client()
    assert reader.post("/language/en", data={"csrf_token": tokens[0]}).status_code == 400
    page = reader.get(url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    switched = reader.post("/language/en", data={"csrf_token": token, "next": url})
    assert switched.status_code == 302
    assert "Medal table by school" in reader.get(url).get_data(as_text=True)


def test_the_results_template_offers_the_awards_as_a_chinese_drop_down(app, two_entries):
    competition, _first, _second = two_entries
    sheet = load_workbook(io.BytesIO(_save(results_sheet.template(competition))))["成绩"]
    [picker] = sheet.data_validations.dataValidation
    assert picker.type == "list" and picker.formula1 == '"金牌,银牌,铜牌"'
    assert "E2:E3" in str(picker.sqref)


def test_publishing_early_needs_a_stated_reason_and_the_confirmation_counts_results(
    app, make_competition, make_event, make_school, make_teacher, organizer, login_as
):
    from datetime import timedelta

    from core.models import AuditEntry

    competition = make_competition(
        scheme="medals", registration_opens=today() - timedelta(days=10),
        registration_closes=today() + timedelta(days=5), start_date=today() + timedelta(days=20),
        end_date=today() + timedelta(days=22),
    )  # fmt: skip
    event = make_event(competition, team=False)
    school = make_school(name="甲职校")
    coach = make_teacher(school=school, name="陈指导")
    first = services.register_entry(
        event, school, EntryPeople(students=[("1", "王小明")], instructors=[coach.id]), organizer
    )
    services.register_entry(event, school, EntryPeople(students=[("2", "李四")]), organizer)
    services.record_result(first, "gold", 1, 95.5, organizer)
    db.session.commit()
    page = login_as(organizer)
    detail = page.get(f"/competitions/{competition.id}").get_data(as_text=True)
    assert "报名尚未截止" in detail and 'id="publish-reason"' in detail
    assert "将公布 1 项成绩？另有 1 个报名尚无成绩" in detail
    refused = page.post(f"/competitions/{competition.id}/publish", data={"reason": " "})
    assert refused.status_code == 303
    assert "如确需提前公布，请填写理由" in page.get(refused.location).get_data(as_text=True)
    db.session.refresh(competition)
    assert competition.status == "open"  # a refusal changes nothing
    done = page.post(f"/competitions/{competition.id}/publish", data={"reason": "省赛选拔需要"})
    assert done.status_code == 302
    db.session.refresh(competition)
    assert competition.status == "published"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "published")).one()
    assert entry.note == "省赛选拔需要"
    public = page.get(f"/results/{competition.id}").get_data(as_text=True)
    assert "95.5" in public and "陈指导" in public and ">名次<" in public


def test_a_large_competition_shows_its_medal_leaders_and_the_whole_table_in_pages(
    app, client, make_competition, make_event, make_school, organizer, monkeypatch
):
    """A province's competition ranks thousands of schools: the results page shows the leaders
    of each medal table and no menu of every school; the whole table has pages of its own, can
    be searched by name, and each school's name opens its results. Here 3 schools stand for
    thousands (2 leaders shown, a menu up to 2, 2 a page)."""
    from competitions.views import public

    monkeypatch.setattr(public, "MEDAL_ROWS", 2)
    monkeypatch.setattr(public, "SCHOOL_MENU", 2)
    monkeypatch.setattr(public, "MEDALS_PER_PAGE", 2)
    competition, _events, schools = _published_with_entries(
        make_competition, make_event, make_school, organizer, 12
    )
    url = f"/results/{competition.id}"
    page = client.get(url).get_data(as_text=True)
    assert "共 3 所学校，此处列出前 2 名。" in page and "完整奖牌榜" in page
    assert 'name="school"' not in page and "在学校奖牌榜中点击学校名称" in page
    whole = client.get(f"{url}/medals/school").get_data(as_text=True)
    assert "第 1 页，共 2 页" in whole and whole.count('<tr><td class="num">') == 2
    last = client.get(f"{url}/medals/school?page=2").get_data(as_text=True)
    assert last.count('<tr><td class="num">3</td>') == 1
    past = client.get(f"{url}/medals/school?page=99").get_data(as_text=True)
    assert '<tr><td class="num">3</td>' in past and "第 2 页，共 2 页" in past
    # Every school is in the table once, and its name opens its results.
    listed = [s for s in schools if s.name in whole + last]
    assert len(listed) == 3 and sum((whole + last).count(s.name) for s in schools) == 3
    link = re.search(r'href="(/results/\d+\?school=(\d+))">([^<]+)</a>', whole)
    assert link is not None
    chosen = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert f'name="school" value="{link.group(2)}"' in chosen and f"学校: {link.group(3)}" in chosen
    # Searched by name; counties have their table too; no other table, no unpublished one.
    found = client.get(f"{url}/medals/school?q=第1").get_data(as_text=True)
    assert "第1职校" in found and "第0职校" not in found and "第2职校" not in found
    assert "奖牌榜中没有名称包含“无此校”的学校" in client.get(
        f"{url}/medals/school?q=无此校"
    ).get_data(as_text=True)
    assert client.get(f"{url}/medals/county").status_code == 200
    assert client.get(f"{url}/medals/teacher").status_code == 404
    draft = make_competition(name="未发布的比赛")
    assert client.get(f"/results/{draft.id}/medals/school").status_code == 404


def test_a_correction_reorders_the_medal_table_at_once(
    app, client, make_competition, make_event, make_school, organizer
):
    competition, _events, schools = _published_with_entries(
        make_competition, make_event, make_school, organizer, 3
    )
    url = f"/results/{competition.id}/medals/school"
    before = client.get(url).get_data(as_text=True)
    assert before.index("第0职校") < before.index("第2职校")  # a first prize against a third
    entry = db.session.scalars(select(Entry).where(Entry.school_id == schools[2].id)).one()
    services.record_result(entry, "first", 1, 99, organizer, "复核更正")
    services.record_result(
        db.session.scalars(select(Entry).where(Entry.school_id == schools[0].id)).one(),
        "merit", 3, 60, organizer, "复核更正",
    )  # fmt: skip
    db.session.commit()
    after = client.get(url).get_data(as_text=True)
    assert after.index("第2职校") < after.index("第0职校")


def test_results_come_in_from_the_files_clerks_have(app, two_entries, organizer, login_as):  # type: ignore[no-untyped-def]
    """The results sheet read .xlsx alone: a CSV another system exported (GBK) was "not an Excel
    workbook", a PDF the same, neither saying what to do."""
    competition, first, second = two_entries
    client = login_as(organizer)
    url = f"/competitions/{competition.id}/results-import"
    lines = [",".join(results_sheet.HEADERS), f"{first.id},,,,金牌,1,97",
             f"{second.id},,,,银牌,2,90.5"]  # fmt: skip
    csv = io.BytesIO("\r\n".join(lines).encode("gbk"))
    answer = client.post(url, data={"file": (csv, "成绩.csv")}, content_type="multipart/form-data")
    assert answer.status_code == 302, answer.get_data(as_text=True)[-1500:]
    db.session.refresh(second)
    assert (second.award, second.rank, float(second.score)) == ("silver", 2, 90.5)
    pdf = io.BytesIO(b"%PDF-1.7 results")
    refused = client.post(url, data={"file": (pdf, "成绩.pdf")}, content_type="multipart/form-data")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "PDF" in text and "另存为 .xlsx" in text

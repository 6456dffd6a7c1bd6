"""One truth per figure: for every indicator, scope (city, county, school) and period (the plan, a
year), the dashboard card, the API, the Excel table, the PDF report and the home card show the
same number, and the list behind a count has exactly as many rows as the figure counts."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from core.extensions import db
from core.models import Role, Task
from core.storage import storage
from core.timeutil import today
from dashboard.indicators import INDICATORS
from recognition.models import Kind
from teachers.appointments.capacity import capacities, places_in_use
from tests import pdftext
from tests.dashboard.test_indicators import city, recognise  # noqa: F401  (the fixture)

SCOPES = ["city", "county:330302", "school:SCHA"]
PERIODS = ["2023-2025", "2025"]
# The lists that are exactly the figure's rows (the ratios' lists are their gap, tested below).
COUNTS = [i.key for i in INDICATORS if i.kind == "count"]


def _shown(figure: dict, value: float | int) -> str:
    return f"{value * 100:.1f}%" if figure["denominator"] is not None else f"{value:,}"


@pytest.fixture
def twice(city):  # type: ignore[no-untyped-def]  # noqa: F811
    """A teacher recognised 初级 in 2024 and 中级 in 2025: one teacher, counted once."""
    recognise(city["ta"][0], date(2025, 2, 1)).tier = "intermediate"
    db.session.commit()
    return city


@pytest.mark.parametrize("period", PERIODS)
@pytest.mark.parametrize("scope", SCOPES)
def test_every_place_a_figure_is_shown_agrees(
    twice, login_as, api_client, make_user, scope, period
):  # type: ignore[no-untyped-def]
    bureau = make_user(Role.BUREAU)
    page = login_as(bureau)
    args = f"scope={scope}&period={period}"
    figures = api_client(bureau)("GET", f"/api/v1/indicators?{args}").json["indicators"]
    html = page.get(f"/dashboard?{args}").get_data(as_text=True)
    for key, figure in figures.items():
        card = re.search(rf'data-key="{key}".*?data-value>([^<]+)<', html, re.S)
        assert card and card.group(1).strip() == _shown(figure, figure["value"]), (key, scope)
    # Excel: the scope's own row.
    sheet = load_workbook(io.BytesIO(page.get(f"/dashboard/table.xlsx?{args}").data))["指标"]
    header, row = [list(r) for r in sheet.iter_rows(min_row=1, max_row=2, values_only=True)]
    for i in INDICATORS:
        figure = figures[i.key]
        column = next(n for n, h in enumerate(header) if str(h).startswith(str(figure["label"])))
        expected = figure["value"] * 100 if figure["denominator"] is not None else figure["value"]
        assert row[column] == pytest.approx(expected, abs=0.01), (i.key, scope)
    # The PDF report: every value as the card shows it.
    page.post("/dashboard/report", data={"scope": scope, "period": period})
    task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
    with storage().open(task.file_key) as fh:
        text = pdftext.text(fh.read())
    for key, figure in figures.items():
        assert _shown(figure, figure["value"]) in text, (key, scope)
    # The list behind each count has exactly its rows; the ratio's list is its gap.
    for key in COUNTS:
        listed = page.get(f"/dashboard/list/{key}?{args}").get_data(as_text=True)
        assert f"共 {figures[key]['numerator']} 条" in listed, (key, scope, period)
    # A ratio's list is its denominator, a column saying who counts; its gap is a list too.
    ratio = figures["dual_qualified_ratio"]
    listed = page.get(f"/dashboard/list/dual_qualified_ratio?{args}").get_data(as_text=True)
    assert f"共 {ratio['denominator']} 条" in listed
    assert listed.count(">是</td>") == ratio["numerator"]
    gap = page.get(f"/dashboard/list/dual_qualified_missing?{args}").get_data(as_text=True)
    assert f"共 {ratio['denominator'] - ratio['numerator']} 条" in gap


def test_a_teacher_recognised_twice_is_one_in_the_number_and_one_row_in_the_list(
    twice, login_as, api_client, make_user
):  # type: ignore[no-untyped-def]
    bureau = make_user(Role.BUREAU)
    args = "scope=school:SCHA&period=2023-2025"
    figure = api_client(bureau)("GET", f"/api/v1/indicators?{args}").json["indicators"][
        "dual_qualified_teachers"
    ]
    assert figure["value"] == 3  # ta[0] twice, ta[1], ta[2]
    listed = login_as(bureau).get(f"/dashboard/list/dual_qualified_teachers?{args}")
    text = listed.get_data(as_text=True)
    assert "共 3 条" in text and text.count(twice["ta"][0].name) == 1
    assert "中级" in text  # the teacher's latest recognition in the period


def test_home_cards_read_the_dashboard(twice, login_as, api_client, make_user):  # type: ignore[no-untyped-def]
    for user, scope in (
        (make_user(Role.BUREAU), "city"),
        (make_user(Role.BUREAU, county="330302"), "county:330302"),
        (make_user(Role.SCHOOL_HR, school=twice["A"]), "school:SCHA"),
    ):
        figures = api_client(user)("GET", f"/api/v1/indicators?scope={scope}").json["indicators"]
        home = login_as(user).get("/").get_data(as_text=True)
        for key in ("dual_qualified_ratio", "part_time_ratio"):
            assert _shown(figures[key], figures[key]["value"]) in home, (scope, key)


def test_one_denominator_for_a_past_plan(twice, make_teacher):  # type: ignore[no-untyped-def]
    """A teacher hired in 2026 is not in post at the end of 2025: the ratio, the part-time
    share and the cap of that day all count the same professional teachers."""
    from recognition import stats

    make_teacher(school=twice["A"], hire_date=date(2026, 3, 1))  # not yet in post then
    left = twice["tb"][1]
    left.status, left.leave_date = "left", date(2026, 1, 15)  # still in post on 2025-12-31
    db.session.commit()
    end = date(2025, 12, 31)
    for school, in_post in ((twice["A"].id, 4), (twice["B"].id, 2)):
        ratio_base = stats.dual_qualified_ratio(by="school", on=end)[school][1]
        share_base = places_in_use(end, [school])[school][1]
        cap_base = capacities([school], on=end)[school].professional_teachers
        assert ratio_base == share_base == cap_base == in_post


def test_the_recognition_and_team_pages_state_no_figure_of_their_own(twice, login_as, make_user):  # type: ignore[no-untyped-def]
    hr = login_as(make_user(Role.SCHOOL_HR, school=twice["A"]))
    for path in ("/recognitions", "/teams"):
        page = hr.get(path).get_data(as_text=True)
        assert "全市专业教师" not in page and "目标" not in page and "/dashboard" in page, path
    teacher = login_as(make_user(Role.TEACHER, teacher=twice["ta"][0]))
    assert "/dashboard" not in teacher.get("/recognitions").get_data(as_text=True)


def test_team_warnings_count_only_recognitions_still_valid(twice):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from recognition import _dual_share

    lapsed, valid = twice["tb"][0], twice["ta"][0]
    team = SimpleNamespace(members=[SimpleNamespace(teacher_id=t.id) for t in (lapsed, valid)])
    assert _dual_share(team) == 0.5  # tb[0]'s recheck date passed in 2024
    assert Kind.DUAL_QUALIFIED  # (the kind the share reads)


def test_the_trend_ends_at_today_s_figure(twice, login_as, make_user, make_placement):  # type: ignore[no-untyped-def]
    """A placement approved after last night's snapshot: the chart's last point is today's."""
    from dashboard import snapshots

    snapshots.take(today() - timedelta(days=1))
    db.session.commit()
    make_placement(twice["tc"][4], today() - timedelta(days=30), today() - timedelta(days=21))
    trend = snapshots.trend("city", ["enterprise_practice_person_times"], None)
    ((day, value),) = trend["enterprise_practice_person_times"][-1:]
    assert (
        day == today()
        and value
        == snapshots.Results(snapshots.year_to(today()))
        .figure("enterprise_practice_person_times")
        .value
    )
    assert trend["enterprise_practice_person_times"][-2][1] == value - 1

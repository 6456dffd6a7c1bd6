"""A cap is read as places (名额), never as a target met: the home page and the board of a
school at its cap say it is full, a county's says how many places are left and which schools
are full."""

from __future__ import annotations

from core.models import Role
from teachers.appointments import services
from tests.teachers.test_appointments import school_with_staff, submitted  # noqa: F401, F811


def test_a_school_at_its_cap_shows_full_places_not_a_target_met(
    school_with_staff,  # noqa: F811
    login_as,
    make_user,
):
    school, hr, hr2 = school_with_staff(n=10)  # cap: floor(30% × 10) = 3 places
    school_with_staff(n=7)  # another school of the county: 2 places, none used
    home = login_as(hr).get("/").get_data(as_text=True)
    assert "还剩 3 个名额（已用 0 / 3）" in home
    for name in ("甲工", "乙工", "丙工"):
        services.transition(submitted(school, hr, name=name), "approve", hr2)
    home = login_as(hr).get("/").get_data(as_text=True)
    assert "名额 3 / 3" in home and "已满" in home
    part_time = home[home.index("兼职教师占比") :]
    part_time = part_time[: part_time.index("</dd>")]
    assert "已达标" not in part_time and "目标" not in part_time
    board = login_as(hr).get("/dashboard").get_data(as_text=True)
    card = board[board.index('data-key="part_time_ratio"') :]
    card = card[: card.index("</article>")]
    assert "名额 3 / 3" in card and "已满" in card and "progressbar" not in card
    county = login_as(make_user(Role.BUREAU, county="330302")).get("/").get_data(as_text=True)
    assert "名额 3 / 5 · 还剩 2 个名额 · 1 所学校名额已满" in county


def test_the_schools_over_the_cap_come_first_on_every_page(school_with_staff):  # type: ignore[no-untyped-def]  # noqa: F811
    """The list was sorted after paging: a full school whose code sorts last stayed on the last
    page, "over the cap first" holding within each page alone."""
    from core.timeutil import today
    from dashboard import drill
    from dashboard.periods import parse_period

    roomy, _hr, _hr2 = school_with_staff(n=7)  # its code sorts first: no place used
    full, hr, hr2 = school_with_staff(n=10)
    for name in ("甲工", "乙工", "丙工"):
        services.transition(submitted(full, hr, name=name), "approve", hr2)
    period = parse_period(str(today().year))
    assert period is not None
    first, total = drill.page_items(drill.DRILLS["part_time_ratio"], period,
                                    (roomy.id, full.id), 1, 1)  # fmt: skip
    assert total == 2 and [s.id for s in first] == [full.id]
    second, _total = drill.page_items(drill.DRILLS["part_time_ratio"], period,
                                      (roomy.id, full.id), 2, 1)  # fmt: skip
    assert [s.id for s in second] == [roomy.id]

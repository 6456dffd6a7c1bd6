"""A bureau with many schools in reach (a province): the roster's school filter becomes a school
code field instead of a menu of thousands, and the part-time places table comes a page of
schools at a time."""

from __future__ import annotations

from core.models import Role


def test_the_roster_filters_by_school_code_beyond_the_menu(
    monkeypatch, make_school, make_teacher, make_user, login_as
):  # type: ignore[no-untyped-def]
    from teachers import views

    a, b = make_school(name="甲职校"), make_school(name="乙职校")
    make_teacher(school=a, name="甲老师")
    make_teacher(school=b, name="乙老师")
    c = login_as(make_user(Role.BUREAU))
    menu = c.get("/teachers").get_data(as_text=True)
    assert '<select name="school"' in menu and "甲职校" in menu
    monkeypatch.setattr(views, "SCHOOL_MENU", 1)
    page = c.get("/teachers").get_data(as_text=True)
    assert '<select name="school"' not in page and 'name="school" value=""' in page
    only_b = c.get(f"/teachers?school={b.code}").get_data(as_text=True)
    assert "乙老师" in only_b and "甲老师" not in only_b


def test_the_places_table_pages_through_the_schools(monkeypatch, make_school, make_user, login_as):  # type: ignore[no-untyped-def]
    from teachers.appointments import views

    schools = [make_school(name=f"第{n}职校") for n in range(3)]
    monkeypatch.setattr(views, "SCHOOLS_PER_PAGE", 2)
    c = login_as(make_user(Role.BUREAU))
    first = c.get("/appointments").get_data(as_text=True)
    names = sorted(schools, key=lambda s: s.code)
    assert names[0].name in first and names[2].name not in first
    assert "schools_page=2" in first
    second = c.get("/appointments?schools_page=2").get_data(as_text=True)
    assert names[2].name in second and names[0].name not in second

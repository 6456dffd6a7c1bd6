"""A school's list of placements is newest first, on its page and in the API, however its rows
are ordered on disk (read first and sorted: see core.db.newest_first)."""

from __future__ import annotations

from datetime import date

from core.models import Role


def test_a_schools_placements_are_listed_newest_first(
    make_teacher,
    make_placement,
    make_user,
    login_as,
    api_client,  # type: ignore[no-untyped-def]
):
    teacher = make_teacher()
    older = make_placement(teacher, date(2024, 3, 1), post="较早的岗位")
    newer = make_placement(teacher, date(2023, 3, 1), post="较新的岗位")  # recorded later
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    page = login_as(hr).get("/placements?status=all").get_data(as_text=True)
    assert page.index(newer.post) < page.index(older.post)
    answer = api_client(hr)("GET", "/api/v1/placements")
    assert [p["id"] for p in answer.json["items"]] == [newer.id, older.id]

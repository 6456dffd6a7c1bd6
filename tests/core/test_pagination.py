"""Lists count their rows up to a bound: past it a page says "more than N" and keeps offering
the next page, instead of counting a province's million rows on every page."""

from __future__ import annotations

from core.db import _LeanPagination
from core.models import Role


def test_a_long_list_says_more_than_and_still_pages(
    app, login_as, make_school, make_teacher, monkeypatch
):
    school = make_school()
    for n in range(7):
        make_teacher(school=school, staff_no=f"P{n:03d}")
    monkeypatch.setattr(_LeanPagination, "count_cap", 3)
    monkeypatch.setitem(app.config, "PER_PAGE", 2)
    admin = login_as(role=Role.ADMIN)
    first = admin.get("/teachers").get_data(as_text=True)
    assert "超过 3 条" in first and "下一页" in first
    third = admin.get("/teachers?page=3").get_data(as_text=True)
    assert "P004" in third or "P005" in third
    # Under the bound the count is exact.
    monkeypatch.setattr(_LeanPagination, "count_cap", 100)
    assert "共 7 条" in admin.get("/teachers").get_data(as_text=True)

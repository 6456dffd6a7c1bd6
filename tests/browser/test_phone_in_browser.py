"""On a phone (390 px wide), wide tables stack as cards of "label: value" lines, nothing scrolls
sideways, a school's name and an award stay whole, and the filters stay at hand."""

from __future__ import annotations

from core.extensions import db
from core.models import Role
from tests.browser.test_roster_in_browser import sign_in


def test_the_roster_reads_as_cards_on_a_phone(page, make_user, make_school, make_teacher):
    school = make_school(name="温州市职业中等专业学校")
    for n in range(12):
        make_teacher(school=school, staff_no=f"P{n:03d}", name=f"教师{n:02d}")
    hr = make_user(Role.SCHOOL_HR, school=school)
    db.session.commit()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, hr.username)
    page.goto("/teachers")
    table = page.locator("table.table").first
    assert "stackable" in (table.get_attribute("class") or "")
    assert not page.locator("table.table thead th").first.is_visible() or (
        page.locator("table.table thead").first.bounding_box()["height"] <= 1  # type: ignore[index]
    )
    first_cell = page.locator("table.table tbody tr").first.locator("td").first
    assert first_cell.get_attribute("data-label") == "工号"
    label = page.evaluate(
        "(cell) => getComputedStyle(cell, '::before').content", first_cell.element_handle()
    )
    assert "工号" in label
    # One card per teacher, each cell on its own line; the page does not scroll sideways.
    row = page.locator("table.table tbody tr").first.bounding_box()
    assert row is not None and row["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 391
    # The filters stay at hand while scrolling a long list.
    page.evaluate("window.scrollTo(0, 2000)")  # at once; a wheel's smooth scroll may lag
    page.wait_for_function("window.scrollY > 0")
    assert page.locator("form.filters").first.bounding_box()["y"] <= 1  # type: ignore[index]

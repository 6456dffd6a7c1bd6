"""The pages people read most, on a phone (390 px) and a desktop (1280 px): nothing scrolls
sideways or is clipped, no label wraps one character to a line, the desktop menu is one line,
and the phone's dashboard is a few screens, not a dozen."""

from __future__ import annotations

import pytest

from competitions import services as competitions
from core.extensions import db
from core.models import Role
from tests.browser.test_roster_in_browser import sign_in
from tests.dashboard.test_indicators import city  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

# Elements whose text is narrower than two characters yet taller than two lines: one character
# to a line. And tables clipped by their frame (wider than it, so cut off or scrolled).
CHECK = """() => {
  const squeezed = [];
  const read = "label, th, td, a, button, .badge, h1, h2, dt, dd";
  for (const el of document.querySelector("main").querySelectorAll(read)) {
    const text = el.textContent.trim();
    if (text.length < 2 || !el.offsetParent) continue;
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const line = parseFloat(style.lineHeight) || size * 1.4;
    const narrow = el.offsetWidth < 2.2 * size && el.offsetHeight > 2.2 * line;
    if (narrow) squeezed.push(text.slice(0, 20));
  }
  const clipped = [...document.querySelectorAll(".table-wrap")]
    .filter((w) => w.offsetParent && w.scrollWidth > w.clientWidth + 1).length;
  return {
    overflow: document.documentElement.scrollWidth > window.innerWidth + 1,
    squeezed, clipped,
    height: document.documentElement.scrollHeight,
    menu: (document.querySelector(".mainnav") || {}).offsetHeight || 0,
  };
}"""


def test_dashboard_appointments_and_results_at_390_and_1280(
    page,
    city,  # noqa: F811
    national,
    organizer,
    make_user,
):
    competitions.publish(national["skills"], organizer)
    db.session.commit()
    bureau = make_user(Role.BUREAU)
    sign_in(page, bureau.username)
    pages = ["/dashboard", "/appointments", f"/results/{national['skills'].id}"]
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(path)
            seen = page.evaluate(CHECK)
            where = f"{path} at {width} px"
            assert not seen["overflow"], f"{where} scrolls sideways"
            assert seen["clipped"] == 0, f"{where}: a table is wider than its frame"
            assert seen["squeezed"] == [], f"{where}: one character to a line: {seen['squeezed']}"
            if width == 1280:
                assert seen["menu"] <= 40, f"{where}: the menu wraps ({seen['menu']} px)"
            if path == "/dashboard" and width == 390:
                assert seen["height"] < 5000, f"the phone's dashboard is {seen['height']} px"


def test_the_busiest_menus_fit_one_line_at_1280_and_a_phone_at_390(page, make_user, make_school):
    school = make_school()
    hr = make_user(Role.SCHOOL_HR, school=school)
    hr.display_name = "温州职业技术学院人事处 王老师"  # a long name in the top bar
    users = [hr, make_user(Role.ADMIN)]  # made before the pages are open
    db.session.commit()
    for user in users:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.context.clear_cookies()
        sign_in(page, user.username)
        assert page.evaluate(CHECK)["menu"] <= 40, f"the {user.role} menu wraps"
        page.set_viewport_size({"width": 390, "height": 844})
        for path in ("/", "/teachers", "/imports"):
            page.goto(path)
            assert not page.evaluate(CHECK)["overflow"], f"{path} scrolls sideways on a phone"

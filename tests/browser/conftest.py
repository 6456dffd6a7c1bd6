"""A live server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core.db import reading
from core.extensions import db
from tests.competitions.conftest import make_competition, make_event, organizer
from tests.placements.conftest import make_enterprise, make_placement, teacher_with_account
from tests.recognition.test_d_class import national

CHROMIUM = "/usr/bin/chromium"
# axe-core (npm, MPL-2.0), vendored: every page a browser test visits is checked once loaded,
# and the test fails on any violation (offline: no CDN).
AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_ON_LOAD = """
window.__axeRun = new Promise((done) => window.addEventListener("load", () => {
  if (window.top !== window || !location.protocol.startsWith("http")) { done(); return; }
  setTimeout(() => axe.run(document).then((result) => {
    for (const v of result.violations) {
      console.error("AXE " + location.pathname + " " + v.id + ": " + v.help + " — " +
        v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
    }
  }).finally(done), 50);
}));
"""
# Domain factories the browser tests use too.
__all__ = [
    "make_competition",
    "make_enterprise",
    "make_event",
    "make_placement",
    "national",
    "organizer",
    "teacher_with_account",
]


@pytest.fixture
def live_server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture
def task_worker(app, tmp_path):  # type: ignore[no-untyped-def]
    """A worker beside the live server: tasks wait in a real queue and run in their own
    thread, as in production, instead of at the commit that starts them."""
    from core import tasks

    app.config.update(TASKS_IMMEDIATE=False, TASK_QUEUE_FILE=str(tmp_path / "queue.db"))
    tasks.reset_queue()
    huey = tasks.queue()
    stop = threading.Event()

    def work() -> None:
        with app.app_context():
            while not stop.is_set():
                message = huey.dequeue()
                if message is None:
                    stop.wait(0.2)
                else:
                    huey.execute(message)

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    try:
        yield huey
    finally:
        stop.set()
        thread.join(timeout=30)
        app.config["TASKS_IMMEDIATE"] = True
        tasks.reset_queue()


@pytest.fixture(scope="session")
def chromium():  # type: ignore[no-untyped-def]
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
        pytest.skip("Debian's chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _test_reads_without_locking(app):  # type: ignore[no-untyped-def]
    """The test body reads the database while the server writes to it."""
    db.session.commit()
    with reading():
        yield


@pytest.fixture
def page(chromium, live_server):  # type: ignore[no-untyped-def]
    """A browser tab; the test fails if the page broke the Content-Security-Policy."""
    context = chromium.new_context(base_url=live_server, accept_downloads=True)
    context.add_init_script(AXE + AXE_ON_LOAD)
    tab = context.new_page()
    violations: list[str] = []
    tab.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text
            or "Refused to" in message.text
            or message.text.startswith("AXE ")
            else None
        ),
    )
    yield tab
    if tab.url.startswith("http"):  # the last page, however soon the test ended: its check
        tab.evaluate("() => window.__axeRun")
        tab.wait_for_timeout(100)  # its console messages delivered
    context.close()
    assert sorted(set(violations)) == [], violations


def pytest_collection_modifyitems(items):  # type: ignore[no-untyped-def]
    """The development server leaves a static file open when the browser drops a connection
    (navigating away mid-download); that is the test server's leak, not the app's."""
    marker = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(marker)

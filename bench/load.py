"""A short load run on loopback: gunicorn with four sync workers (as on a 2-core server), a few
concurrent clients, a bounded number of requests per page; requests per second, p50 and p95 for
the teacher's own page, a minimal signed-in page and the public results page."""

from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from bench import record
from competitions.models import Competition
from core import accounts, demo
from core.extensions import db

ROOT = Path(__file__).resolve().parents[1]
CLIENTS, REQUESTS, WORKERS = 8, 400, 4
FLOOR = 0.8  # the teacher's page against the minimal signed-in page, requests per second


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str = "") -> int:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        response.read()
        return response.status


def _sign_in(server: str, username: str) -> str:
    """The session cookie of a signed-in user, through the real sign-in form."""
    jar = urllib.request.HTTPCookieProcessor()
    opener = urllib.request.build_opener(jar)
    page = opener.open(f"{server}/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    data = {"username": username, "password": demo.DEMO_PASSWORD}
    if token:
        data["csrf_token"] = token.group(1)
    opener.open(f"{server}/login", urllib.parse.urlencode(data).encode()).read()
    return "; ".join(f"{c.name}={c.value}" for c in jar.cookiejar)


def _load(url: str, cookie: str) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p95 ms, errors) for REQUESTS requests from CLIENTS threads."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()
    per_client = REQUESTS // CLIENTS

    def client() -> None:
        nonlocal errors
        for _ in range(per_client):
            start = time.perf_counter()
            try:
                ok = _get(url, cookie) == 200
            except OSError:
                ok = False
            with lock:
                times.append((time.perf_counter() - start) * 1000)
                errors += 0 if ok else 1

    _get(url, cookie)  # warm up
    start = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - start
    times.sort()
    return len(times) / seconds, statistics.median(times), times[int(len(times) * 0.95) - 1], errors


def run(app: Flask, url: str, folder: str) -> None:
    with app.app_context():
        teacher = accounts.find_user("teacher")
        assert teacher is not None and teacher.teacher is not None
        teacher_page = f"/teachers/{teacher.teacher.id}"
        biggest = db.session.scalars(
            select(Competition)
            .where(Competition.name.contains("规模测试"))
            .order_by(Competition.id)
        ).first()
    port = _free_port()
    env = {
        **os.environ,
        "SHUANGSHI_ENV": "production",
        "SECRET_KEY": secrets.token_hex(16),
        "SESSION_COOKIE_SECURE": "0",
        "DATABASE_URL": url,
        "SHUANGSHI_INSTANCE": str(Path(folder) / "instance"),
        "UPLOAD_FOLDER": folder,
        "TASK_QUEUE_FILE": str(Path(folder) / "queue.db"),
        "RATELIMIT_ENABLED": "0",
        "LOG_LEVEL": "WARNING",  # a request log line each would bury the figures
    }
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "-w", str(WORKERS), "-b",
         f"127.0.0.1:{port}", "--log-level", "warning", "bench.minimal:app"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                _get(base + "/login")
                break
            except OSError:
                time.sleep(0.2)
        cookie = _sign_in(base, "teacher")
        cases = [
            ("minimal signed-in page", base + "/bench/minimal", cookie),
            ("teacher's own page", base + teacher_page, cookie),
        ]
        if biggest is not None:
            cases.append(("public results page (anonymous)", f"{base}/results/{biggest.id}", ""))
        print(f"\nload: gunicorn -w {WORKERS}, {CLIENTS} clients, {REQUESTS} requests each page")
        print(f"{'page':<45} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'errors':>7}")
        before = _worker_memory(server.pid)
        rates = {}
        for name, page, who in cases:
            rate, p50, p95, errors = _load(page, who)
            rates[name] = rate
            print(f"{name:<45} {rate:>8.1f} {p50:>8.1f} {p95:>8.1f} {errors:>7}")
        share = rates["teacher's own page"] / rates["minimal signed-in page"]
        record("the teacher's page, requests/s of the minimal page's", f"{share:.0%}", "≥ 80%",
               share >= FLOOR)  # fmt: skip
        print(f"the teacher's page serves {share:.0%} of the minimal page's requests/s "
              f"(goal ≥ 80%){'' if share >= FLOOR else '  NOT MET'}")  # fmt: skip
        after = _worker_memory(server.pid)
        memory = ", ".join(f"{before.get(p, 0):.0f} → {mb:.0f}" for p, mb in sorted(after.items()))
        print(f"memory per web worker (RSS MB), before → after the page run: {memory}")
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    profile(app, teacher_page)


def _worker_memory(master: int) -> dict[int, float]:
    """{worker pid: resident MB} of the gunicorn master's workers (Linux /proc)."""
    out = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master):
            out[int(fields["Pid"])] = int(fields.get("VmRSS", "0 kB").split()[0]) / 1024
    return out


def _breakdown(client: Any, page: str, requests: int) -> None:
    """The page's milliseconds without the profiler's weight: its sections' reads (each timed
    around its function), the rendering (Flask's render signals) and the rest (the session, the
    teacher, the permission checks, the response)."""
    from flask import before_render_template, template_rendered

    from teachers import profile as sections

    spent: dict[str, float] = {}
    render_started: list[float] = []

    def timing(section: Any) -> Any:
        def timed(*args: Any) -> Any:
            start = time.perf_counter()
            try:
                return section(*args)
            finally:
                name = f"{section.__module__}.{section.__name__}"
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - start

        return timed

    def rendering(*_args: Any, **_kwargs: Any) -> None:
        render_started.append(time.perf_counter())

    def rendered(*_args: Any, **_kwargs: Any) -> None:
        took = time.perf_counter() - render_started.pop()
        spent["rendering"] = spent.get("rendering", 0.0) + took

    original = list(sections.SECTIONS)
    sections.SECTIONS[:] = [timing(section) for section in original]
    before_render_template.connect(rendering)
    template_rendered.connect(rendered)
    try:
        start = time.perf_counter()
        for _ in range(requests):
            client.get(page)
        total = (time.perf_counter() - start) / requests * 1000
    finally:
        sections.SECTIONS[:] = original
        before_render_template.disconnect(rendering)
        template_rendered.disconnect(rendered)
    parts = {name: seconds / requests * 1000 for name, seconds in spent.items()}
    rest = total - sum(parts.values())
    print(f"\nthe teacher's page in process, not profiled: {total:.1f} ms a request — "
          + ", ".join(f"{name} {ms:.1f}" for name, ms in sorted(parts.items(), key=lambda p: -p[1]))
          + f", the rest (session, teacher, permissions, response) {rest:.1f}")  # fmt: skip


def profile(app: Flask, page: str, requests: int = 200) -> None:
    """Where the teacher page's time goes, in process: per request, the share in SQL (driver
    time), in templates, and the functions that take the most of it (cProfile)."""
    import cProfile
    import pstats

    from sqlalchemy import event

    client = app.test_client()
    client.post("/login", data={"username": "teacher", "password": demo.DEMO_PASSWORD})
    client.get(page)
    sql = [0.0]
    started: list[float] = []

    def before(*_args: object) -> None:
        started.append(time.perf_counter())

    def after(*_args: object) -> None:
        sql[0] += time.perf_counter() - started.pop()

    with app.app_context():
        engine = db.engine
    _breakdown(client, page, requests)
    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    for _ in range(requests):
        client.get(page)
    profiler.disable()
    total = (time.perf_counter() - start) / requests * 1000
    event.remove(engine, "before_cursor_execute", before)
    event.remove(engine, "after_cursor_execute", after)
    stats = pstats.Stats(profiler)
    render = sum(v[3] for k, v in stats.stats.items() if k[2] == "render" and "jinja2" in k[0])  # type: ignore[attr-defined]
    print(f"\nthe teacher's page in process: {total:.1f} ms a request (profiled); SQL "
          f"{sql[0] / requests * 1000:.1f} ms, templates {render / requests * 1000:.1f} ms; "
          "the functions taking most of it (cumulative ms a request):")  # fmt: skip
    stats.sort_stats("cumulative")
    rows = [(v[3], k) for k, v in stats.stats.items()]  # type: ignore[attr-defined]
    shown = 0
    for cumulative, (file, line, name) in sorted(rows, reverse=True):
        if "site-packages" in file and not any(w in file for w in ("jinja2", "sqlalchemy/orm")):
            continue
        if "/bench/" in file or name.startswith("<"):
            continue
        print(f"  {cumulative / requests * 1000:7.2f}  {Path(file).name}:{line} {name}")
        shown += 1
        if shown == 15:
            break

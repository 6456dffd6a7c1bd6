"""Background work at city scale: how fast a worker renders certificates, and how a 5,000-row
roster import, previewed, runs as a task while the request that confirms it answers at once."""

from __future__ import annotations

import io
import itertools
import os
import re
import time

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import select

from core import demo, tasks
from core.extensions import db
from core.models import Task
from recognition import certificates
from recognition.models import Recognition, Status
from teachers.models import Teacher
from teachers.roster import HEADERS, SAMPLE

ROWS = 5000


def roster_sheet(rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    sample = dict(zip(HEADERS, SAMPLE, strict=True))
    for n in range(rows):
        ws.append([{**sample, "工号": f"BENCH{n:05d}", "姓名": f"导入{n}"}[h] for h in HEADERS])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def drain(app: Flask) -> float:
    """Run what is queued as one worker thread would; seconds taken."""
    start = time.perf_counter()
    with app.app_context():
        huey = tasks.queue()
        while (message := huey.dequeue()) is not None:
            huey.execute(message)
    return time.perf_counter() - start


def _rss_mib() -> float:
    """The process's resident memory now (Linux), in MiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def certificate_rates(confirmed: list[Recognition], count: int = 1000) -> None:
    """Certificates per second for a batch of `count`: one PDF, a ZIP of one PDF each, and one
    certificate at a time as the page serves it; memory before and after the batch."""
    items = [
        (r, f"https://example.invalid/verify/{r.verification_code}")
        for r in itertools.islice(itertools.cycle(confirmed), count)
    ]
    certificates.certificates(items[:10])  # the font registered, the caches warm
    before = _rss_mib()
    distinct = items[: len(confirmed)]  # a ZIP names each file by its certificate
    for label, n, make in (
        ("one PDF", count, lambda: certificates.certificates(items)),
        (f"ZIP of {len(distinct)}", len(distinct), lambda: certificates.certificates_zip(distinct)),
        ("one at a time", 200, lambda: [certificates.certificate(r, u) for r, u in items[:200]]),
    ):
        start = time.perf_counter()
        make()
        rate = n / (time.perf_counter() - start)
        print(f"{'worker: certificates per second, ' + label:<45} {rate:>10.1f}")
    print(
        f"{'worker: memory before / after the batches':<45} {before:>10.1f} / {_rss_mib():.1f} MiB"
    )


def run(app: Flask, folder: str) -> None:
    app.config.update(TASKS_IMMEDIATE=False, TASK_QUEUE_FILE=f"{folder}/queue.db")
    tasks.reset_queue()
    with app.app_context():
        confirmed = db.session.scalars(
            select(Recognition).where(Recognition.status == Status.CONFIRMED).limit(1000)
        ).all()
        if confirmed:
            certificate_rates(confirmed)
        else:
            print("worker: no confirmed recognitions in the demo to render")

        kind = confirmed[0].kind if confirmed else "d_class"
    # A county bureau's batch: the city bureau's of a nation would be a million certificates.
    county = app.test_client()
    county.post("/login", data={"username": "bureau_lc", "password": demo.DEMO_PASSWORD})
    start = time.perf_counter()
    response = county.post("/recognitions/certificates", data={"fmt": "zip", "kind": kind})
    ms = (time.perf_counter() - start) * 1000
    seconds = drain(app)
    with app.app_context():
        batch = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
        print(
            f"{'a county certificate batch (ZIP): answers in':<45} {ms:>10.1f} ms "
            f"(HTTP {response.status_code}); worker: {batch.total} in {seconds:.1f} s, "
            f"{batch.status}"
        )

    hr = app.test_client()
    hr.post("/login", data={"username": "hr", "password": demo.DEMO_PASSWORD})
    data = roster_sheet(ROWS)
    preview = hr.post(
        "/imports/roster",
        data={"file": (io.BytesIO(data), "名册.xlsx")},
        content_type="multipart/form-data",
    )
    token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True))
    start = time.perf_counter()
    response = hr.post("/imports/roster/confirm", data={"token": token.group(1) if token else ""})
    ms = (time.perf_counter() - start) * 1000
    seconds = drain(app)
    with app.app_context():
        task = db.session.scalars(select(Task).order_by(Task.id.desc())).first()
        added = db.session.query(Teacher).filter(Teacher.staff_no.like("BENCH%")).count()
        print(
            f"{f'roster import of {ROWS:,} rows: request answers in':<45} {ms:>10.1f} ms "
            f"(HTTP {response.status_code}); worker: {seconds:.1f} s, {task.status}, "
            f"{added:,} teachers added"
        )
    app.config["TASKS_IMMEDIATE"] = True
    tasks.reset_queue()

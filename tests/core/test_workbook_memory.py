"""A workbook cannot pin a web worker's memory: the attacker's 0.9 MB xlsx whose shared strings
unpack to 155 MB (ratio ~170, no `uniqueCount`) grew a gunicorn worker by 460 MB, which it kept;
eight at once held every worker. Sent once and then eight at once to real gunicorn workers, it
is refused with a sentence and no worker grows by more than 50 MB."""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import threading
import uuid
from pathlib import Path

import pytest

from core import accounts
from core.extensions import db
from core.models import Role
from tests.core.test_attack_holes import _shared_strings_bomb
from tests.core.test_two_servers import GUNICORN, ROOT, free_port, wait_until_up

GROWTH = 50 * 1024 * 1024


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def _post(url: str, token: str, data: bytes, name: str) -> tuple[int, str]:
    import urllib.error
    import urllib.request

    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = urllib.request.Request(url, data=body, method="POST")
    request.add_header("Authorization", f"Bearer {token}")
    request.add_header("Accept-Language", "zh-CN")
    request.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


@pytest.fixture
def web(app, tmp_path, backend):  # type: ignore[no-untyped-def]
    if backend != "sqlite":
        pytest.skip("the web tier's memory: one database is enough")
    env = {**os.environ, "SHUANGSHI_ENV": "production", "SECRET_KEY": secrets.token_hex(16),
           "SESSION_COOKIE_SECURE": "0", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "SHUANGSHI_INSTANCE": str(tmp_path / "instance"),
           "UPLOAD_FOLDER": str(tmp_path / "files"), "RATELIMIT_ENABLED": "0"}  # fmt: skip
    env.pop("REDIS_URL", None)
    port = free_port()
    server = subprocess.Popen(
        [str(GUNICORN), "-w", "2", "--preload", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_until_up(f"http://127.0.0.1:{port}/login", [server])
        yield server, f"http://127.0.0.1:{port}"
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_eight_bombs_at_once_leave_every_worker_as_it_was(web, make_user):  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    server, base = web
    hr = make_user(Role.SCHOOL_HR)
    _token, token = accounts.create_token(hr, "memory")
    db.session.commit()
    url = f"{base}/api/v1/imports/roster"
    sheet = Workbook()
    sheet.active.append(["工号", "姓名"])
    sheet.active.append(["T1", "张三"])
    import io

    small = io.BytesIO()
    sheet.save(small)

    def at_once(data: bytes, times: int) -> list[tuple[int, str]]:
        answers: list[tuple[int, str]] = []
        threads = [
            threading.Thread(target=lambda: answers.append(_post(url, token, data, "花名册.xlsx")))
            for _ in range(times)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return answers

    at_once(small.getvalue(), 6)  # every worker has read a workbook once: its modules loaded
    start = {pid: _rss(pid) for pid in _workers(server.pid)}
    bomb = _shared_strings_bomb(155)
    assert len(bomb) < 1.5 * 1024 * 1024  # about a megabyte on the wire
    answers = [_post(url, token, bomb, "花名册.xlsx"), *at_once(bomb, 8)]
    assert [code for code, _body in answers] == [400] * 9, answers[0]
    said = [json.loads(body)["errors"][0]["message"] for _code, body in answers]
    assert all("拆分" in sentence for sentence in said), said  # the sentence: split it
    after = {pid: _rss(pid) for pid in _workers(server.pid)}
    assert set(after) == set(start)  # no worker died and was replaced
    grown = {pid: (after[pid] - start[pid]) // (1024 * 1024) for pid in start}
    assert all(after[pid] - start[pid] < GROWTH for pid in start), grown

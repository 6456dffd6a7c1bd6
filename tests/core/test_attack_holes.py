"""What an attacker found from outside, each reproduced here first: a number past its column, a
field a step does not take, a seal Pillow refuses, a workbook that unpacks to more than it says,
forty guesses at the mentor's digits at once, a forged X-Forwarded-For at /metrics, /status read
by anyone, a backup SQLite cannot read, and an error page that failed itself."""

from __future__ import annotations

import io
import random
import struct
import threading
import zlib
from datetime import date

import pytest
from flask import g
from sqlalchemy import select

from core import create_app, excel
from core.extensions import db
from core.models import AuditEntry, Role, User
from tests.conftest import login


@pytest.fixture
def another_app(app):  # type: ignore[no-untyped-def]
    """An app on the test's database configured otherwise (its pool closed after the test)."""
    made = []

    def make(**overrides):  # type: ignore[no-untyped-def]
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        made.append(create_app("testing", {"SQLALCHEMY_DATABASE_URI": uri, **overrides}))
        return made[-1]

    yield make
    for other in made:
        with other.app_context():
            db.engine.dispose()


def test_a_number_past_its_column_is_the_fields_message(app, api_client):  # type: ignore[no-untyped-def]
    """B: 100,000,000 yuan a person overflowed NUMERIC(10, 2) on PostgreSQL (a 500)."""
    call = api_client(role=Role.BUREAU, county="330302")
    batch = {"theme": "德国双元制", "country": "德国", "start_date": "2027-03-01",
             "end_date": "2027-03-20", "capacity": 10}  # fmt: skip
    refused = call("POST", "/api/v1/overseas-batches", json={**batch, "budget_per_person": 1e8})
    assert refused.status_code == 400, refused.json
    assert "budget_per_person" in refused.json["error"]["fields"]
    taken = call("POST", "/api/v1/overseas-batches", json={**batch, "budget_per_person": 38000})
    assert taken.status_code == 201, taken.json


def test_a_field_a_step_does_not_take_is_refused(app, api_client, school_with_staff):  # type: ignore[no-untyped-def]
    """C: a last day sent with an approval reached a guard that takes none (a TypeError)."""
    from tests.teachers.test_appointments import submitted

    school, hr, hr2 = school_with_staff(n=30)
    appointment = submitted(school, hr)
    call = api_client(hr2)
    path = f"/api/v1/appointments/{appointment.id}"
    refused = call("POST", f"{path}/approve", json={"terminated_on": "1979-01-25"})
    assert refused.status_code == 400, refused.json
    assert "terminated_on" in refused.json["error"]["fields"]
    assert call("GET", path).json["status"] == "submitted"  # nothing changed
    assert call("POST", f"{path}/approve", json={}).json["status"] == "approved"


def test_a_step_given_data_it_does_not_read_names_the_field(app, school_with_staff):  # type: ignore[no-untyped-def]
    """The same at the root, for the pages and jobs: the workflow refuses what a step ignores."""
    from core.errors import ValidationFailed
    from teachers.appointments import services
    from tests.teachers.test_appointments import submitted

    school, hr, hr2 = school_with_staff(n=30)
    appointment = submitted(school, hr)
    with pytest.raises(ValidationFailed) as refused:
        services.transition(appointment, "approve", hr2, "", date(1979, 1, 25))
    assert list(refused.value.fields) == ["terminated_on"]
    db.session.rollback()


def _png_with_text(size: int = 600, chunk: bytes = b"zTXt") -> bytes:
    """A transparent PNG carrying 2 MB of text compressed to a few KB (a text-chunk bomb)."""
    from PIL import Image

    plain = io.BytesIO()
    Image.new("RGBA", (size, size), (200, 20, 20, 0)).save(plain, "PNG")
    data = plain.getvalue()
    if chunk == b"zTXt":
        body = b"Comment\x00\x00" + zlib.compress(b"a" * 2_000_000, 9)
    else:  # iTXt, compressed
        body = b"Comment\x00\x01\x00\x00\x00" + zlib.compress(b"a" * 2_000_000, 9)
    crc = struct.pack(">I", zlib.crc32(chunk + body) & 0xFFFFFFFF)
    extra = struct.pack(">I", len(body)) + chunk + body + crc
    end = data.index(b"IDAT") - 4  # before the image data, as a text chunk may stand
    return data[:end] + extra + data[end:]


@pytest.mark.parametrize("chunk", [b"zTXt", b"iTXt"])
def test_a_seal_pillow_refuses_is_the_seals_message(app, api_client, login_as, make_user, chunk):  # type: ignore[no-untyped-def]
    """D: a seal with a text chunk that unpacks past Pillow's bound was a 500 (ValueError)."""
    png = _png_with_text(chunk=chunk)
    assert len(png) < 10_000
    bureau = make_user(Role.BUREAU)
    call = api_client(bureau)
    answer = call("PUT", "/api/v1/seals/city", data={"file": (io.BytesIO(png), "公章.png")},
                  headers={"Accept-Language": "zh-CN"})  # fmt: skip
    assert answer.status_code == 409, answer.get_data(as_text=True)
    assert "file" in answer.json["error"]["fields"]
    client = login_as(bureau)
    sent = client.post("/seals/city", data={"file": (io.BytesIO(png), "公章.png")})
    assert sent.status_code == 303
    assert "无法读取" in client.get(sent.location).get_data(as_text=True)


def _shared_strings_bomb(megabytes: int, *, declare_size: int | None = None) -> bytes:
    """E: a real workbook whose shared strings (with no uniqueCount) are `megabytes` of small
    distinct-looking items, compressed ~170:1 as the attacker's were."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["工号", "姓名"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    rnd = random.Random(7)  # a few random bytes an item: ~170:1, under any ratio a bomb shows
    with (
        excel.zipfile.ZipFile(plain) as source,
        excel.zipfile.ZipFile(out, "w", excel.zipfile.ZIP_DEFLATED) as z,
    ):
        for entry in source.infolist():
            if entry.filename != "xl/sharedStrings.xml":
                z.writestr(entry, source.read(entry))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(b"<sst>")
            for _n in range(megabytes * 1080):
                fh.write(b"<si><t>" + b"x" * 900 + rnd.randbytes(3).hex().encode() + b"</t></si>")
            fh.write(b"</sst>")
    data = out.getvalue()
    if declare_size is not None:  # the directory lies: it declares a small entry
        data = _declare(data, "xl/sharedStrings.xml", declare_size)
    return data


def _declare(data: bytes, name: str, size: int) -> bytes:
    """The workbook with `name`'s uncompressed size in both headers set to `size`."""
    raw = bytearray(data)
    encoded = name.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = 0
        while (at := raw.find(signature, at)) >= 0:
            name_at = at + (30 if signature == b"PK\x03\x04" else 46)
            if raw[name_at : name_at + len(encoded)] == encoded:
                raw[at + offset : at + offset + 4] = struct.pack("<I", size)
            at += 4
    return bytes(raw)


def test_shared_strings_past_the_budget_are_refused_before_any_reader(app, monkeypatch):  # type: ignore[no-untyped-def]
    from core import imports
    from teachers.roster import ROSTER

    parsed = []
    monkeypatch.setattr(imports.CalamineWorkbook, "from_filelike", lambda *a: parsed.append(1))
    monkeypatch.setattr(excel, "load_workbook", lambda *a, **k: parsed.append(1))
    bombs = [_shared_strings_bomb(100), _shared_strings_bomb(40),
             _shared_strings_bomb(6, declare_size=1000)]  # fmt: skip
    assert all(len(data) < 1024 * 1024 for data in bombs)  # less than a megabyte on the wire
    for data in bombs:
        with app.test_request_context(headers={"Accept-Language": "zh-CN"}):
            with pytest.raises(imports.FileRefused) as refused:
                imports.read(ROSTER, io.BytesIO(data))
            assert refused.value.error[2]  # a sentence for the clerk
        with pytest.raises(excel.SheetError):
            excel.sheet_rows(io.BytesIO(data))
    assert not parsed


def test_forty_guesses_at_once_close_the_link_after_three(  # type: ignore[no-untyped-def]
    app, login_as, teacher_with_account, make_placement
):
    """F: forty simultaneous wrong digits were counted as three (lost updates) while the link
    stayed open for ten; a right guess in the burst confirmed after more than three wrong."""
    from placements import mentor
    from placements.models import MentorLink
    from tests.placements.test_mentor import link_for

    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 4, 7), days=8, status="submitted")
    placement.mentor_phone = "139 5770 1234"
    db.session.commit()
    url = link_for(login_as(user), placement)
    [link] = mentor.open_links(placement)
    db.session.commit()
    guesses = 40
    barrier = threading.Barrier(guesses)
    answers: list[str] = []

    def guess(n: int) -> None:
        with app.app_context():
            client = app.test_client()
            barrier.wait()
            digits = "1234" if n == guesses // 2 else "0000"
            form = {"choice": "confirm", "c-mentor": "陈工", "c-days": "8", "c-digits": digits}
            page = client.post(url, data=form, headers={"Accept-Language": "zh-CN"})
            text = page.get_data(as_text=True)
            said = ("wrong" if "还可以试" in text else "closed" if "链接已关闭" in text
                    else "confirmed" if "您已确认" in text else str(page.status_code))  # fmt: skip
            answers.append(said)
            db.session.remove()

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(guesses)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == guesses
    evaluated = answers.count("wrong") + answers.count("closed")
    db.session.expire_all()
    link = db.session.get(MentorLink, link.id)
    db.session.refresh(placement)
    if answers.count("confirmed"):  # the right guess came before the third wrong one
        assert answers.count("confirmed") == 1 and answers.count("closed") == 0
        assert evaluated == link.wrong_digits < 3 and placement.confirmation == "mentor"
    else:
        assert (answers.count("wrong"), answers.count("closed")) == (2, 1), answers
        assert link.wrong_digits == 3 and link.closed_at is not None
    assert answers.count("409") == guesses - evaluated - answers.count("confirmed"), answers
    closed = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "mentor_link_closed")
    ).all()
    assert len(closed) == answers.count("closed")


def test_metrics_trust_the_connection_not_a_header(another_app):  # type: ignore[no-untyped-def]
    """G: with PROXY_COUNT=1 and METRICS_ALLOW=10.9.9.9, X-Forwarded-For: 10.9.9.9 opened
    /metrics to anyone who reached the port."""
    proxied = another_app(PROXY_COUNT=1, METRICS_ALLOW=["10.9.9.9"], METRICS_PROXY=[])
    client = proxied.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    forged = {"X-Forwarded-For": "10.9.9.9"}
    assert client.get("/metrics", environ_base=outside, headers=forged).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.9.9.9"}).status_code == 200
    # Through the proxy the operator names, the address it forwards for is the one compared.
    proxied.config["METRICS_PROXY"] = ["127.0.0.1"]
    local = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.get("/metrics", environ_base=local, headers=forged).status_code == 200
    stranger = {"X-Forwarded-For": "203.0.113.7"}
    assert client.get("/metrics", environ_base=local, headers=stranger).status_code == 403
    # A proxy on this machine nobody named: whom it forwards for is nobody to trust.
    proxied.config.update(METRICS_PROXY=[], METRICS_ALLOW=["127.0.0.1"])
    assert client.get("/metrics", environ_base=local, headers=stranger).status_code == 403


def test_status_tells_details_to_the_monitor_and_administrators_only(app, make_user):  # type: ignore[no-untyped-def]
    """H: anonymous /status listed worker hosts, the migration and the queues."""
    outside = {"REMOTE_ADDR": "203.0.113.7"}
    anonymous = app.test_client().get("/status", environ_base=outside)
    assert set(anonymous.json) == {"status"}
    assert anonymous.json["status"] in ("ok", "degraded")
    app.config["METRICS_TOKEN"] = "mon-token"
    try:
        monitor = app.test_client().get(
            "/status", environ_base=outside, headers={"Authorization": "Bearer mon-token"}
        )
        assert "checks" in monitor.json and "workers" in monitor.json["checks"]
    finally:
        app.config["METRICS_TOKEN"] = ""
    for role, details in ((Role.ADMIN, True), (Role.SCHOOL_HR, False)):
        client = app.test_client()
        client.environ_base.update(outside)  # signed in from there: the session is bound to it
        assert login(client, make_user(role)).status_code == 302
        assert ("checks" in client.get("/status").json) is details, role


def test_the_default_bind_is_this_machine():  # type: ignore[no-untyped-def]
    from core import gunicorn_conf

    assert gunicorn_conf.bind.startswith("127.0.0.1:")


def test_an_error_after_a_failed_statement_still_answers_json(another_app, make_user):  # type: ignore[no-untyped-def]
    """B's second half: after a failed flush the error handler read the user for the language
    and raised PendingRollbackError; gunicorn answered with its HTML page."""
    answering = another_app(TESTING=False)  # answers as production does, a 500 included

    user_id = make_user(Role.BUREAU).id

    @answering.post("/api/v1/_fail")
    def _fail():  # type: ignore[no-untyped-def]
        g._login_user = db.session.get(User, user_id)  # as a token signs in
        db.session.add(AuditEntry(action=None))  # NOT NULL: the commit's flush fails
        return {"done": True}, 201

    with answering.app_context():
        answer = answering.test_client().post("/api/v1/_fail", json={})
    assert answer.status_code == 500
    assert answer.is_json and answer.json["error"]["code"] == "server_error"


@pytest.mark.parametrize("damage", ["truncated", "b-tree"])
def test_a_backup_sqlite_cannot_read_is_refused_in_one_sentence(  # type: ignore[no-untyped-def]
    app, runner, tmp_path, backend, damage
):
    if backend != "sqlite":
        pytest.skip("a SQLite file's own damage")
    import hashlib
    import json

    from core.backup import restore_backup

    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    folder = tmp_path / "backup"
    database = folder / "database.sqlite"
    data = bytearray(database.read_bytes())
    if damage == "truncated":
        data = data[: len(data) // 3]
    else:  # the root page of every table: a b-tree page header SQLite cannot walk
        for page in range(1, len(data) // 4096):
            data[page * 4096] = 0x77
    database.write_bytes(bytes(data))
    # The manifest made again for the damaged file: the checksums match, SQLite alone refuses.
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["backup"]["database.sqlite"] = hashlib.sha256(bytes(data)).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    import click

    with pytest.raises(click.ClickException) as refused:
        restore_backup(folder)
    said = refused.value.message
    assert "database.sqlite is damaged" in said and "\n" not in said


def test_a_folder_that_is_no_backup_is_said_so(app, tmp_path):  # type: ignore[no-untyped-def]
    import click

    from core.backup import restore_backup

    with pytest.raises(click.ClickException) as refused:
        restore_backup(tmp_path)
    assert "not a backup" in refused.value.message
    (tmp_path / "manifest.json").write_text("{not json")
    with pytest.raises(click.ClickException) as refused:
        restore_backup(tmp_path)
    assert "manifest.json is damaged" in refused.value.message


def test_a_very_long_address_is_a_documented_json_414(app, api_client):  # type: ignore[no-untyped-def]
    """gunicorn answered a very long query with its own HTML 414, which no operation documented;
    the app answers first, in JSON, and every operation documents it."""
    from core.api import openapi_document

    call = api_client(role=Role.ADMIN)
    answer = call("GET", "/api/v1/appointments?status=" + "a" * 5000)
    assert answer.status_code == 414 and answer.json["error"]["code"] == "uri_too_long"
    assert call("GET", "/api/v1/appointments?status=approved").status_code == 200
    document = openapi_document(app)
    undocumented = [f"{method} {path}" for path, operations in document["paths"].items()
                    for method, operation in operations.items()
                    if "414" not in operation["responses"]]  # fmt: skip
    assert not undocumented


def test_every_error_code_the_code_raises_is_in_the_document():  # type: ignore[no-untyped-def]
    """The 409 of publishing an incomplete assessment said `figures_missing`, a code the
    document's Error schema did not list: every `code` a refusal names is in ERROR_CODES."""
    import ast
    from pathlib import Path

    from core.errors import ERROR_CODES

    root = Path(__file__).resolve().parents[2]
    named = set()
    for package in ("core", "teachers", "placements", "competitions", "recognition", "dashboard"):
        for path in (root / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.keyword) and node.arg == "code":
                    if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                        named.add((node.value.value, str(path.relative_to(root))))
                elif isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if (
                            isinstance(item, ast.Assign)
                            and isinstance(item.value, ast.Constant)
                            and any(getattr(t, "id", "") == "code" for t in item.targets)
                        ):
                            named.add((item.value.value, str(path.relative_to(root))))  # fmt: skip
    assert len(named) > 5
    assert not [f"{code} ({where})" for code, where in named if code not in ERROR_CODES]


def test_a_schema_valid_body_with_a_nul_character_is_not_refused_as_malformed(  # type: ignore[no-untyped-def]
    app, api_client, make_school
):
    """Six schema-valid interview bodies were refused with 400: a "\\x00" of length 1 was taken
    out before the schema counted it, leaving a length the document forbids."""
    make_school(county="330302")
    call = api_client(role=Role.BUREAU)
    body = {"county": "330302", "held_on": "2026-01-05", "attendees": "\x00", "issues": "x",
            "commitments": [{"text": "a", "due_on": "2026-03-01"}]}  # fmt: skip
    answer = call("POST", "/api/v1/county-assessments/2026/interviews", json=body)
    # Well formed; the rule that someone attended refuses it (409), by its field.
    assert answer.status_code == 409 and "attendees" in answer.json["error"]["fields"], answer.json

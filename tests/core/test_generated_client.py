"""An integrator's view: a Python client generated from /api/v1/openapi.json alone
(openapi-python-client), used against a running server, creates a teacher, logs a placement with
its evidence, has it confirmed and approved, and reads the practice ledger. If the document and
the code disagreed, the generated client would fail to build, send or parse."""

from __future__ import annotations

import importlib
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from core import accounts
from core.extensions import db
from core.models import Role
from placements.demo import _agreement_pdf as agreement_pdf
from tests.placements.conftest import valid_code

PACKAGE = "shuangshi_api_client"  # openapi-python-client names it after the document's title


@pytest.fixture
def server(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/api/v1"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def generated_client(app, folder: Path):  # type: ignore[no-untyped-def]
    document = folder / "openapi.json"
    document.write_text(json.dumps(app.test_client().get("/api/v1/openapi.json").json))
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [str(bin_dir / "openapi-python-client"), "generate", "--path", str(document),
         "--meta", "none", "--output-path", str(folder / PACKAGE)],
        check=True,
        capture_output=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"},
    )  # fmt: skip
    sys.path.insert(0, str(folder))
    try:
        for name in [m for m in sys.modules if m.startswith(PACKAGE)]:
            del sys.modules[name]  # the other database's run generated its own copy
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def test_a_generated_client_does_an_hr_officers_work(app, server, tmp_path, make_school, make_user):
    package = generated_client(app, tmp_path)
    models = importlib.import_module(f"{PACKAGE}.models")
    types = importlib.import_module(f"{PACKAGE}.types")

    school = make_school(code="GEN1")
    hr = make_user(Role.SCHOOL_HR, school=school)
    _token, plain = accounts.create_token(hr, "generated client")
    db.session.commit()
    client = package.AuthenticatedClient(
        base_url=server, token=plain, raise_on_unexpected_status=True
    )

    def call(operation: str, **kwargs):  # type: ignore[no-untyped-def]
        tag, _sep, name = operation.partition(".")  # the document's tag, then the operation
        endpoint = importlib.import_module(f"{PACKAGE}.api.{tag}.{name}")
        return endpoint.sync_detailed(client=client, **kwargs)

    created = call(
        "teachers.teachers_create_teacher",
        body=models.TeacherIn(
            staff_no="G0001",
            name="林晓",
            gender=models.TeacherInGender.FEMALE,
            employment=models.TeacherInEmployment.ESTABLISHMENT,
            hire_date=date(2019, 9, 1),
            title=models.TeacherInTitle.INTERMEDIATE,
            professional=True,
        ),
    )
    assert created.status_code == 201
    teacher = created.parsed
    assert teacher.name == "林晓" and teacher.school == "GEN1"
    assert teacher.title_label == "中级"  # in the caller's language (zh-CN by default)

    logged = call(
        "placements.placements_create",
        body=models.PlacementIn(
            teacher=teacher.id,
            credit_code=valid_code(11),
            enterprise_name="温州正泰电器股份有限公司",
            post="装配工艺",
            form=models.PlacementInForm.POST,
            start_date=date(2025, 7, 7),
            end_date=date(2025, 7, 18),
            days=10.0,
        ),
    )
    assert logged.status_code == 201, logged.content
    placement = logged.parsed
    assert placement.status.value == "draft"

    evidence = call(
        "placements.placements_add_evidence",
        placement_id=placement.id,
        body=models.EvidenceIn(
            kind=models.EvidenceInKind.AGREEMENT,
            file=types.File(payload=io.BytesIO(agreement_pdf()), file_name="协议.pdf"),
        ),
    )
    assert evidence.status_code == 201, evidence.content

    submitted = call(
        "placements.placements_act",
        placement_id=placement.id,
        action=models.PlacementsActAction.SUBMIT,
    )
    assert submitted.status_code == 200, submitted.content
    confirmed = call(
        "placements.practice_confirm_upload",
        placement_id=placement.id,
        body=models.AssessmentIn(
            file=types.File(payload=io.BytesIO(agreement_pdf()), file_name="考核表.pdf")
        ),
    )
    assert confirmed.status_code == 200, confirmed.content
    approved = call(
        "placements.placements_act",
        placement_id=placement.id,
        action=models.PlacementsActAction.APPROVE,
        body=models.PlacementStepIn(reason="材料齐全"),
    )
    assert approved.status_code == 200, approved.content
    assert approved.parsed.status.value == "approved"

    ledger = call("placements.placements_practice", teacher_id=teacher.id)
    assert ledger.status_code == 200
    assert ledger.parsed.days_in_window == 10.0
    assert ledger.parsed.teacher_id == teacher.id

"""A backup that was never restored is a hope: `flask backup` then `flask restore` into an empty
installation gives back every row and every file of the demo data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from core import create_app, demo
from core.extensions import db
from core.models import Upload, User
from tests.conftest import empty_database_url


@pytest.fixture
def empty_target(backend, tmp_path):  # type: ignore[no-untyped-def]
    with empty_database_url(backend, str(tmp_path), "shuangshi_restore_check") as url:
        yield url


def test_the_demo_data_survives_a_backup_and_a_restore(app, runner, tmp_path, empty_target):
    demo.build(scale="demo", seed=7, echo=lambda _line: None)
    db.session.commit()
    users = db.session.scalar(select(func.count(User.id)))
    uploads = db.session.scalar(select(func.count(Upload.id)))
    assert users > 5 and uploads > 0

    result = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["tables"]["users"] == users and len(manifest["files"]) >= uploads
    again = runner.invoke(args=["backup", str(tmp_path / "backup")])
    assert again.exit_code != 0 and "not empty" in again.output  # never over an old backup

    target = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": empty_target, "UPLOAD_FOLDER": str(tmp_path / "restored")},
    )
    db.session.commit()  # the source's session lets go before the restore reads the backup
    with target.app_context():  # the command runs against the new installation
        runner = target.test_cli_runner()
        restored = runner.invoke(args=["restore", str(tmp_path / "backup")])
        assert restored.exit_code == 0, restored.output
        assert "all as in the backup" in restored.output
        assert db.session.scalar(select(func.count(User.id))) == users
        db.session.commit()
        refused = runner.invoke(args=["restore", str(tmp_path / "backup")])
        assert refused.exit_code != 0 and "not empty" in refused.output
        db.session.remove()
        db.engine.dispose()

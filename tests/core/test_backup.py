"""A backup that was never restored is a hope: `flask backup` then `flask restore` into an empty
installation gives back every row and every file of the demo data, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, inspect, select

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


def _flip_a_byte(path) -> None:  # type: ignore[no-untyped-def]
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


def test_a_damaged_backup_is_refused_and_the_target_left_as_it_was(
    app, runner, tmp_path, empty_target, make_user
):  # type: ignore[no-untyped-def]
    make_user()
    db.session.commit()
    assert runner.invoke(args=["backup", str(tmp_path / "backup")]).exit_code == 0
    database = next(p for p in (tmp_path / "backup").iterdir() if p.name.startswith("database"))
    _flip_a_byte(database)
    target = create_app(
        "testing",
        {"SQLALCHEMY_DATABASE_URI": empty_target, "UPLOAD_FOLDER": str(tmp_path / "restored")},
    )
    db.session.commit()
    with target.app_context():
        refused = target.test_cli_runner().invoke(args=["restore", str(tmp_path / "backup")])
        assert refused.exit_code != 0
        said = f"The backup is damaged: {database.name} differs from when it was made."
        assert said in refused.output
        assert "Traceback" not in refused.output
        assert "users" not in inspect(db.engine).get_table_names()  # nothing was loaded
        db.session.remove()
        db.engine.dispose()

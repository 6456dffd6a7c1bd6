"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
`make run`'s steps work on an empty instance folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from core import create_app
from core.extensions import db
from tests.conftest import empty_database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def empty_database(backend, tmp_path):  # type: ignore[no-untyped-def]
    with empty_database_url(backend, str(tmp_path), "shuangshi_migration_check") as url:
        yield url


def test_migrations_match_the_models_and_downgrade_cleanly(empty_database):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_make_run_steps_work_on_an_empty_instance_folder(tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("make run's embedded database is SQLite")
    env = {**os.environ, "SHUANGSHI_INSTANCE": str(tmp_path / "instance")}
    env.pop("DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]

    def run(*args: str) -> str:
        done = subprocess.run(
            [*flask, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("db", "upgrade")
    assert "13 added" in run("org", "init")
    first = run("demo-data", "--if-empty")
    assert "teachers:" in first and "hr2" in first and "shuangshi2025" in first
    second = run("demo-data", "--if-empty")
    assert "already loaded" in second and "teachers:" not in second and "admin" in second
    assert "0 added" in run("org", "init")
    users = run("users", "list")
    for name in ("admin", "bureau", "bureau_lc", "hr", "hr2", "organizer", "teacher"):
        assert name in users
    assert (tmp_path / "instance" / "shuangshi.db").exists()


def test_a_database_with_the_demo_data_goes_down_one_step_and_up_again(empty_database):
    from sqlalchemy import func, select

    from core import demo, org
    from core.models import User
    from teachers.models import Teacher

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database})
    with app.app_context():
        upgrade()  # from the first revision to the last
        org.ensure_counties()
        demo.build(scale="demo", seed=3, echo=lambda _line: None)
        db.session.commit()
        before = (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Teacher.id))),
        )
        db.session.remove()
        downgrade(revision="-1")
        upgrade()
        after = (
            db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Teacher.id))),
        )
        assert after == before and before[1] > 100
        db.session.remove()
        db.engine.dispose()

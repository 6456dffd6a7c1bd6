"""The app factory, configuration, and the database settings the rest relies on."""

from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import text

from core import create_app
from core.config import database_url
from core.db import unit_of_work
from core.extensions import db
from core.models import School


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_postgres_urls_use_the_psycopg_driver():
    assert database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert database_url(None).endswith("instance/shuangshi.db")


def test_sqlite_runs_with_wal_foreign_keys_and_a_busy_timeout(app, backend):
    if backend != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_a_write_transaction_takes_the_write_lock_at_its_start(app, backend, make_school):
    """Outside GET requests a transaction begins IMMEDIATE: after its first read, nobody else
    can write until it ends, so read-then-write cannot be interleaved."""
    if backend != "sqlite":
        pytest.skip("SQLite locking")
    make_school(code="LOCK1")
    path = db.engine.url.database
    db.session.scalar(text("SELECT count(*) FROM schools"))  # a read opens the transaction
    other = sqlite3.connect(path, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        other.execute("UPDATE schools SET name = name || '!'")
    db.session.commit()
    other.execute("UPDATE schools SET name = name || '!'")
    other.commit()
    other.close()


def test_page_views_do_not_wait_for_writers(app, backend, make_user):
    """GET requests begin deferred, so reading a page works while a job holds the write lock."""
    if backend != "sqlite":
        pytest.skip("SQLite locking")
    from tests.conftest import login

    user = make_user("admin")
    c = app.test_client()
    login(c, user)
    path = db.engine.url.database
    writer = sqlite3.connect(path, timeout=0, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        assert c.get("/schools").status_code == 200
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_unit_of_work_commits_once_or_rolls_back(app):
    from core.org import county_by_code

    county = county_by_code("330302")
    with pytest.raises(RuntimeError), unit_of_work():
        db.session.add(School(code="X1", name="半途学校", type="secondary", founder="public",
                              county_id=county.id))  # fmt: skip
        db.session.flush()
        raise RuntimeError("boom")
    assert db.session.query(School).filter_by(code="X1").count() == 0
    with unit_of_work():
        db.session.add(School(code="X2", name="完整学校", type="secondary", founder="public",
                              county_id=county.id))  # fmt: skip
    assert db.session.query(School).filter_by(code="X2").count() == 1


def test_a_refused_form_saves_nothing(login_as, make_school):
    """A form sent back with errors answers 400, and the request's transaction rolls back."""
    c = login_as(role="admin")
    make_school(code="TAKEN")
    response = c.post(
        "/schools/new",
        data={"code": "TAKEN", "name": "新学校", "type": "secondary", "founder": "public",
              "county_id": "1"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "已有学校使用该代码" in response.get_data(as_text=True)
    assert db.session.query(School).filter_by(name="新学校").count() == 0


def test_error_pages_are_translated_and_never_a_bare_500(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and "未找到该页面或记录" in page.get_data(as_text=True)


def test_threads_get_their_own_sessions(app, make_school):
    make_school(code="T1")
    seen = []

    def work() -> None:
        with app.app_context():
            seen.append(db.session.query(School).filter_by(code="T1").count())

    t = threading.Thread(target=work)
    db.session.commit()
    t.start()
    t.join()
    assert seen == [1]

"""Fixtures: an app per database backend, a clean database per test, factories, sign-in helpers.

Every test that uses `app` (or anything built on it) runs on SQLite, and again on PostgreSQL
when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import contextlib
import contextvars
import itertools
import os
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import psycopg
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event as sa_event
from sqlalchemy import select, text

from core import accounts, create_app, org
from core.extensions import db
from core.models import County, Role, School, User

PASSWORD = "correct-horse-42"


class IsolatedClient(FlaskClient):
    """A test client whose requests run in their own app context, as in production.

    The test body holds an app context for its own queries; without this, each request would
    reuse it and share `g` (the signed-in user!) and the database session with the test.
    The test's session is committed before and after each request, so both sides see each
    other's committed data.
    """

    def open(self, *args: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
        db.session.commit()
        try:
            return contextvars.Context().run(super().open, *args, **kwargs)
        finally:
            db.session.commit()


WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # gw0, gw1… when `make test` runs in parallel


def _own_services_per_worker() -> None:
    """Parallel workers each get a PostgreSQL database and a Redis database of their own, so one
    worker's wipe between tests never empties the other's tables or rate-limit keys."""
    if not WORKER:
        return
    n = int(WORKER.removeprefix("gw") or 0)
    if os.environ.get("TEST_DATABASE_URL"):
        base = os.environ["TEST_DATABASE_URL"]
        name = f"{base.rsplit('/', 1)[1]}_{WORKER}"
        admin = base.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        os.environ["TEST_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    if os.environ.get("TEST_REDIS_URL"):
        base, _slash, index = os.environ["TEST_REDIS_URL"].rpartition("/")
        os.environ["TEST_REDIS_URL"] = f"{base}/{int(index or 15) - n}"


_own_services_per_worker()
BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("TEST_DATABASE_URL") else [])


def database_url(backend: str, tmp_dir: str) -> str:
    if backend == "postgresql":
        from core.config import database_url as normalise

        return normalise(os.environ["TEST_DATABASE_URL"])
    return f"sqlite:///{tmp_dir}/test.db"


@contextlib.contextmanager
def empty_database_url(backend: str, tmp_dir: str, name: str) -> Iterator[str]:
    """The URL of a new, empty database of `backend` (a file, or a PostgreSQL database made
    for the test and dropped after it)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir}/{name}.db"
        return
    from core.config import database_url as normalise

    url = normalise(os.environ["TEST_DATABASE_URL"])
    admin = url.replace("postgresql+psycopg://", "postgresql://")
    name = f"{name}_{WORKER}" if WORKER else name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def _app(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    tmp = tmp_path_factory.mktemp(backend)
    app = create_app(
        "testing",
        {
            "SQLALCHEMY_DATABASE_URI": database_url(backend, str(tmp)),
            "UPLOAD_FOLDER": str(tmp / "up"),
        },
    )
    app.test_client_class = IsolatedClient
    _watch_for_printed_lists(app)
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.drop_all()
        db.engine.dispose()


PRINTED_LIST = ("['", "[&#39;", "[&#x27;")  # a Python list's repr, raw or escaped for HTML


def _watch_for_printed_lists(app: Flask) -> None:
    """Every page and API answer of the suite is read for a Python list printed whole (a form
    error or an import problem shown as ['…']): people read sentences. The test that made the
    answer fails (see `app`)."""

    @app.after_request
    def _read(response):  # type: ignore[no-untyped-def]
        if (
            response.mimetype in ("text/html", "application/json")
            and not response.direct_passthrough
        ):
            text = response.get_data(as_text=True)
            if any(mark in text for mark in PRINTED_LIST):
                from flask import request

                at = next(text.find(mark) for mark in PRINTED_LIST if mark in text)
                app.extensions.setdefault("printed_lists", []).append(
                    f"{request.method} {request.path}: …{text[max(0, at - 80) : at + 80]}…"
                )
        return response


def _audit_without_words() -> list[str]:
    """The kinds of record and actions the test's audit entries name that the audit log has no
    words for: they read as "修改了记录" (every test's entries are read, so a new record kind or
    action cannot reach the log unnamed)."""
    from core import labels
    from core.models import AuditEntry

    pairs = db.session.execute(select(AuditEntry.object_type, AuditEntry.action).distinct()).all()
    db.session.remove()
    return sorted(
        {f"record kind {kind}" for kind, _ in pairs if kind not in labels.KINDS}
        | {f"action {action}" for _, action in pairs if action not in labels.ACTIONS}
    )


def _wipe(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        tables = [t.name for t in reversed(db.metadata.sorted_tables)]
        with db.engine.begin() as conn:
            if db.engine.dialect.name == "postgresql":
                conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    conn.execute(text(f"DELETE FROM {table}"))


@pytest.fixture
def app(_app: Flask, tmp_path, request) -> Iterator[Flask]:  # type: ignore[no-untyped-def]
    """The app with an empty database (counties present) and a private upload folder."""
    _wipe(_app)
    _app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    _app.extensions["printed_lists"] = []
    with _app.app_context():
        org.ensure_counties()
        db.session.commit()
        yield _app
        db.session.remove()
        made_up = request.node.get_closest_marker("audit_made_up") is not None
        unnamed = [] if made_up else _audit_without_words()
    _wipe(_app)
    assert not unnamed, "The audit log reads these as a bare 记录 or 修改了:\n" + "\n".join(unnamed)
    printed = _app.extensions["printed_lists"]
    assert not printed, "A Python list was printed for people to read:\n" + "\n".join(printed)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


_seq = itertools.count(1)


@pytest.fixture
def make_school(app: Flask) -> Callable[..., School]:
    def make(code: str | None = None, county: str = "330302", **kw: Any) -> School:
        n = next(_seq)
        county_row = db.session.query(County).filter_by(code=county).one()
        school = org.create_school(
            {
                "code": code or f"S{n:04d}",
                "name": kw.pop("name", f"测试职业学校{n}"),
                "type": kw.pop("type", "secondary"),
                "founder": kw.pop("founder", "public"),
                "county_id": county_row.id,
            },
            by=None,
        )
        db.session.commit()
        return school

    return make


@pytest.fixture
def make_teacher(app: Flask, make_school: Callable[..., School]) -> Callable[..., Any]:
    from teachers.services import create_teacher

    def make(school: School | None = None, professional: bool = True, **kw: Any):  # type: ignore[no-untyped-def]
        n = next(_seq)
        data = {
            "staff_no": f"T{n:05d}",
            "name": f"教师{n}",
            "gender": "female",
            "birth_date": date(1985, 3, 1),
            "department": "智能制造系",
            "professional": professional,
            "practice_instructor": False,
            "employment": "establishment",
            "hire_date": date(2010, 9, 1),
            "title": "intermediate",
            "title_date": date(2016, 12, 1),
            "education": "bachelor",
            "enterprise_months": 12,
            "qualification_cert_no": "",
            "phone": "",
            "email": "",
        }
        data.update(kw)
        teacher = create_teacher(school or make_school(), data, by=None)
        db.session.commit()
        return teacher

    return make


@pytest.fixture
def make_user(
    app: Flask, make_school: Callable[..., School], make_teacher: Callable[..., Any]
) -> Callable[..., User]:
    def make(
        role: Role | str = Role.ADMIN,
        school: School | None = None,
        county: str | None = None,
        teacher: Any = None,
        username: str | None = None,
    ) -> User:
        role = Role(role)
        if role == Role.TEACHER and teacher is None:
            teacher = make_teacher(school=school)
        if teacher is not None:
            school = teacher.school
        if role in (Role.SCHOOL_HR, Role.TEACHER) and school is None:
            school = make_school()
        user = accounts.create_user(
            username=username or f"{role.value}{next(_seq)}",
            password=PASSWORD,
            role=role,
            school=school,
            county=org.county_by_code(county) if county else None,
            link={"staff_no": teacher.staff_no} if teacher is not None else None,
        )
        db.session.commit()
        return user

    return make


def login(client: FlaskClient, user: User | str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    username = user if isinstance(user, str) else user.username
    return client.post("/login", data={"username": username, "password": password})


@pytest.fixture
def login_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., FlaskClient]:
    """A new signed-in client for `user` (or for a new user of `role`)."""

    def sign_in(user: User | None = None, **kw: Any) -> FlaskClient:
        user = user or make_user(**kw)
        c = app.test_client()
        response = login(c, user)
        assert response.status_code == 302, response.get_data(as_text=True)
        return c

    return sign_in


@pytest.fixture
def api_client(app: Flask, make_user: Callable[..., User]) -> Callable[..., Any]:
    """An API caller for `user`: returns call(method, path, json=None) -> response."""

    def for_user(user: User | None = None, **kw: Any):  # type: ignore[no-untyped-def]
        user = user or make_user(**kw)
        _token, plain = accounts.create_token(user, "tests")
        db.session.commit()
        c = app.test_client()

        def call(method: str, path: str, json: Any = None, **extra: Any):  # type: ignore[no-untyped-def]
            headers = {"Authorization": f"Bearer {plain}", **extra.pop("headers", {})}
            return c.open(path, method=method, json=json, headers=headers, **extra)

        call.user = user  # type: ignore[attr-defined]
        return call

    return for_user


@contextlib.contextmanager
def counted_statements() -> Iterator[list[str]]:
    """The SQL statements run inside the block (to show a page's count does not grow)."""
    seen: list[str] = []

    def listener(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    sa_event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        sa_event.remove(db.engine, "before_cursor_execute", listener)

"""Database plumbing: SQLite pragmas, IMMEDIATE write transactions, and the one place that commits.

Services flush; the unit of work around a request, CLI command or job commits once, or rolls back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Hashable, Iterator, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from flask import Flask, g, has_app_context, has_request_context, request
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from sqlalchemy import ARRAY, Integer, Select, any_, bindparam, event, func, literal, select, text
from sqlalchemy.orm import Session

from .errors import REFUSED, ServiceError, was_refused
from .extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_reading = ContextVar("shuangshi_reading", default=False)


def configure_engine(app: Flask) -> None:
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "postgresql":

        @event.listens_for(engine, "connect")
        def _postgresql_connect(dbapi_connection: Any, _record: Any) -> None:
            # No JIT: the boards' statements are costed above its threshold at a province's size
            # and compiling took longer than running them (31 → 13 ms for one school's
            # participation at the nation scale); every statement here is short.
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SET jit = off")
            dbapi_connection.commit()

    if engine.dialect.name != "sqlite":
        return
    busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]

    @event.listens_for(engine, "connect")
    def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
        # Hand transaction control to SQLAlchemy so BEGIN below is the one that runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _sqlite_begin(conn: Any) -> None:
        # A write transaction takes the write lock up front, so a read-then-write (count the
        # free places, then approve) cannot fail on lock upgrade or interleave with another.
        # Page views (GET) stay deferred and do not queue behind writers.
        if _reading.get() or (has_request_context() and request.method in SAFE_METHODS):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


@contextlib.contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside start deferred: for work that mostly reads (reports, exports,
    a test that watches a live server) and must not hold the write lock while it reads."""
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Inside `reading()`, a block whose transaction writes: it begins IMMEDIATE again."""
    token = _reading.set(False)
    try:
        yield
    finally:
        _reading.reset(token)


@contextlib.contextmanager
def unit_of_work() -> Iterator[None]:
    """Commit once if the block succeeds and no service refused anything in it (a refusal the
    block caught to print or carry on changes nothing either); roll back otherwise. The unit of
    a CLI command, a scheduled job and a background function, as `init_request_transactions`
    is a request's."""
    outer = g.get(REFUSED, False) if has_app_context() else False
    begin_unit()
    try:
        yield
        if commits():
            db.session.commit()
        else:
            db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise
    finally:
        if has_app_context():
            setattr(g, REFUSED, outer)


def begin_unit() -> None:
    """A new unit of work begins: no refusal, nothing kept yet (a worker's next task)."""
    if has_app_context():
        setattr(g, REFUSED, False)
        g.pop(_KEEP, None)


def commits() -> bool:
    """Whether the current unit of work keeps what it did: nothing was refused in it, or it
    said it keeps its partial work (`keep_partial_work`)."""
    return not was_refused() or bool(has_app_context() and g.get(_KEEP))


def refresh_statistics() -> dict[str, str]:
    """Nightly: the query planner's statistics of every table. SQLite keeps none by itself, and
    those of the demo data or an import grow stale as the records grow."""
    db.session.execute(text("ANALYZE"))
    return {"analyzed": db.engine.dialect.name}


# A refusal changes nothing: a request commits only if no service refused (core.errors marks
# it), whatever its status code.
_KEEP = "shuangshi_keep_partial_work"


def keep_partial_work() -> None:
    """The one explicit opt-out, for the rare unit whose work must stand although it answers
    with a refusal: a wrong answer counted against a limit (a mentor's digits, a sign-in), or
    a bulk action whose refused parts were each undone by a savepoint (`contained`)."""
    if has_app_context():
        setattr(g, _KEEP, True)


@contextlib.contextmanager
def contained() -> Iterator[None]:
    """A savepoint whose refusal undoes only its own work: the ServiceError still propagates to
    the caller, but does not make the request roll back what other savepoints did."""
    before = g.get(REFUSED, False) if has_app_context() else False
    try:
        with db.session.begin_nested():
            yield
    except Exception as err:
        if isinstance(err, ServiceError) and has_app_context():
            setattr(g, REFUSED, before)
        raise


_AFTER_COMMIT = "shuangshi_after_commit"


def after_commit(key: Hashable, callback: Callable[[], None]) -> None:
    """Run `callback` once the current transaction commits (once per `key`: sending the mail
    queue once however many notifications were made); forgotten if the transaction rolls back.
    The one list of after-commit work: queued tasks, mail."""
    db.session.info.setdefault(_AFTER_COMMIT, {}).setdefault(key, callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session: Session) -> None:
    for callback in session.info.pop(_AFTER_COMMIT, {}).values():
        callback()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous: Any) -> None:
    if getattr(previous, "nested", False):
        return  # a savepoint undid one record's work (core.bulk); the rest still commits
    session.info.pop(_AFTER_COMMIT, None)


_WROTE = "shuangshi_wrote"


@event.listens_for(Session, "after_flush")
def _flushed(session: Session, _context: Any) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _executed(state: Any) -> None:
    if not state.is_select:  # an UPDATE, DELETE, INSERT … sent through the session
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _ended(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint within it
        session.info.pop(_WROTE, None)


def has_written() -> bool:
    """Whether the current transaction holds writes not yet committed: what another connection
    cannot see (see `in_parallel`)."""
    session = db.session
    return bool(session.info.get(_WROTE) or session.new or session.dirty or session.deleted)


def in_parallel(app: Flask, calls: list[Callable[[], Any]], workers: int = 3) -> list[Any]:
    """The results of `calls` (each only reading), run side by side on PostgreSQL, each on its
    own connection in its own app context: a few independent statements on a two-core database
    take the longest one's time, not their sum. In order, in this transaction, on SQLite or when
    this transaction has written what the other connections could not see."""
    if len(calls) < 2 or db.engine.dialect.name != "postgresql" or has_written():
        return [call() for call in calls]
    from concurrent.futures import ThreadPoolExecutor

    def run(call: Callable[[], Any]) -> Any:
        with app.app_context():
            try:
                return call()
            finally:
                db.session.rollback()  # read only: nothing to keep

    with ThreadPoolExecutor(max_workers=min(workers, len(calls))) as pool:
        return list(pool.map(run, calls))


def init_request_transactions(app: Flask) -> None:
    @app.after_request
    def _commit_or_rollback(response):  # type: ignore[no-untyped-def]
        # An answer of 400 and more keeps nothing, unless the view kept its work explicitly.
        if g.get(_KEEP) or (response.status_code < 400 and commits()):
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def _rollback_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()


COUNT_CAP = 10_000  # a page says "more than 10,000" rather than count a province's rows


class _LeanPagination(SelectPagination):
    """Counts the rows of the list's own tables (FROM and WHERE), without the columns and eager
    loads of the page: at a few million rows the count is what a list page spends its time on.
    With `capped`, counting stops past COUNT_CAP rows (`capped` is then True on the page)."""

    capped = False
    count_cap = COUNT_CAP

    def _query_count(self) -> int:
        query = self._query_args["select"]
        session = self._query_args["session"]
        if query._group_by_clauses or query._distinct or query._having_criteria:
            return super()._query_count()
        if self._query_args.get("cap"):
            rows = query.with_only_columns(literal(1), maintain_column_froms=True).order_by(None)
            bounded = rows.limit(self.count_cap + 1).subquery()
            total = int(session.execute(select(func.count()).select_from(bounded)).scalar() or 0)
            if total > self.count_cap:
                self.capped = True
                # Enough pages for "next" to stay on offer while this page is full.
                return max(total, ((self.page or 1) + 1) * (self.per_page or 1))
            return total
        count = query.with_only_columns(func.count(), maintain_column_froms=True).order_by(None)
        return int(session.execute(count).scalar() or 0)


class ListPagination(Pagination):
    """A page of rows already in hand (a table summed once and kept), for the `pager` macro."""

    capped = False
    count_cap = COUNT_CAP

    def __init__(self, rows: Sequence[Any], page: int | None, per_page: int) -> None:
        self._rows = rows
        super().__init__(page=page, per_page=per_page, max_per_page=per_page, error_out=False)

    def _query_items(self) -> list[Any]:
        offset = self._query_offset
        return list(self._rows[offset : offset + self.per_page])

    def _query_count(self) -> int:
        return len(self._rows)


def paginate(
    query: Select[Any],
    *,
    page: int | None = None,
    per_page: int | None = None,
    exact: bool = False,
    **kwargs: Any,
) -> SelectPagination:
    """`db.paginate` with a lean count, bounded at COUNT_CAP unless `exact` (the API's totals)."""
    return _LeanPagination(
        select=query,
        cap=not exact,
        session=db.session(),
        page=page,
        per_page=per_page,
        max_per_page=kwargs.pop("max_per_page", None),
        error_out=kwargs.pop("error_out", True),
        count=kwargs.pop("count", True),
    )


def sync_order(query: Select[Any], model: Any, since: datetime | None) -> Select[Any]:
    """A list another system can sync from: with `since`, only rows changed at or after it,
    oldest change first; always ending on the id, so pages never shuffle between requests."""
    if since is None:
        return query.order_by(model.id)
    if since.tzinfo is not None:
        since = since.astimezone(UTC).replace(tzinfo=None)  # stored as naive UTC
    return (
        query.where(model.updated_at >= since).order_by(None).order_by(model.updated_at, model.id)
    )


@contextlib.contextmanager
def serial_statements() -> Iterator[None]:
    """Statements that read a few rows (one school's figures): on PostgreSQL without parallel
    workers, whose start costs more than they save there (a school's participation: 21 ms with
    two workers, 12 ms without). Big aggregates keep them."""
    if db.engine.dialect.name != "postgresql":
        yield
        return
    # On the connection, not through the session: a setting is not a write (`has_written`).
    connection = db.session.connection()
    connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
    try:
        yield
    finally:
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = DEFAULT")


# Beyond this many ids, PostgreSQL is sent one array rather than a parameter each.
MANY_IDS = 100


def among(column: Any, ids: Collection[int]) -> Any:
    """`column IN ids`. A province's list of 4,050 schools as 4,050 parameters costs more to
    build and send than the query takes to run; on PostgreSQL a long list goes as one array
    (`= ANY(:ids)`)."""
    if len(ids) > MANY_IDS and db.engine.dialect.name == "postgresql":
        return column == any_(bindparam(None, list(ids), type_=ARRAY(Integer)))
    return column.in_(ids)

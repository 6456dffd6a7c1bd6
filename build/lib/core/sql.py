"""Portable SQL pieces for date arithmetic (SQLite and PostgreSQL spell them differently)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer

EPOCH = date(2000, 1, 1)


class day_number(FunctionElement[int]):  # noqa: N801 (reads like the SQL function it is)
    """Whole days since 2000-01-01 of a date expression, so date spans are integer arithmetic."""

    type = Integer()
    inherit_cache = True


@compiles(day_number)
def _day_number_pg(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)} - DATE '2000-01-01')"


@compiles(day_number, "sqlite")
def _day_number_sqlite(element: day_number, compiler: Any, **kw: Any) -> str:
    return f"CAST(julianday({compiler.process(element.clauses, **kw)}) - 2451544.5 AS INTEGER)"


class days_between(FunctionElement[int]):  # noqa: N801
    """Whole days from the first date expression to the second (end − start)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_pg(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return f"({compiler.process(end, **kw)} - {compiler.process(start, **kw)})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: days_between, compiler: Any, **kw: Any) -> str:
    start, end = list(element.clauses)
    return (
        f"CAST(julianday({compiler.process(end, **kw)}) - "
        f"julianday({compiler.process(start, **kw)}) AS INTEGER)"
    )


class greatest(FunctionElement[Any]):  # noqa: N801
    inherit_cache = True


class least(FunctionElement[Any]):  # noqa: N801
    inherit_cache = True


@compiles(greatest)
def _greatest(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"greatest({compiler.process(element.clauses, **kw)})"


@compiles(greatest, "sqlite")
def _greatest_sqlite(element: greatest, compiler: Any, **kw: Any) -> str:
    return f"max({compiler.process(element.clauses, **kw)})"


@compiles(least)
def _least(element: least, compiler: Any, **kw: Any) -> str:
    return f"least({compiler.process(element.clauses, **kw)})"


@compiles(least, "sqlite")
def _least_sqlite(element: least, compiler: Any, **kw: Any) -> str:
    return f"min({compiler.process(element.clauses, **kw)})"


def day_of(value: date) -> int:
    """The Python side of `day_number`."""
    return (value - EPOCH).days

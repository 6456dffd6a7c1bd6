"""A country of cities: the loaded city-scale demo copied `copies` times over, with PostgreSQL's
COPY (binary, never row by row), for the demo and the bench at province and nation scale.

Copy k (1…copies) of every row gets id `id + k × (the table's largest id)`, and each reference to
a copied table moves by the same offset, so the copy of a placement belongs to the copy of its
teacher, at the copy of the school, in the copy of the county: `--scale nation` (×90) is 1,170
counties, 4,050 schools, about 1.35 million teachers and 10.8 million placements, with their
recognitions, competition entries, students, enrolment and part-time appointments in proportion.
Names and codes that must stay unique get the copy's number. Accounts are not copied: the demo
logins stay the first city's.

The rows stream from the server (COPY … TO STDOUT) straight back into it (COPY … FROM STDIN) on
a second connection, with the foreign-key triggers off for the load (every reference is made
consistent by construction), then ANALYZE.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import text

from .extensions import db

# Table → the columns computed otherwise than "the same, or moved by the offset of the table it
# references": unique names and codes, and what must not be copied.
TABLES: dict[str, dict[str, str]] = {
    "counties": {"code": "x.code || '-' || k.k", "name": "x.name || k.k"},
    "schools": {"code": "x.code || '-' || k.k", "name": "x.name || '（' || k.k || '）'"},
    "county_part_time_policies": {},
    "school_enrollments": {},
    "students": {},
    "teachers": {"user_id": "NULL"},
    "placements": {},
    "appointments": {},
    "ethics_results": {},
    "literacy_results": {},
    "competition_entries": {},
    "competition_entry_people": {},
    "recognitions": {
        "verification_code": "x.verification_code || '-' || k.k",
        "certificate_no": "x.certificate_no || '-' || k.k",
    },
}
SCALES = {"province": 10, "nation": 90}  # the city and its copies


def _columns(table: str) -> list[tuple[str, str | None]]:
    """(column, the copied table it references, if any)."""
    out = []
    for column in db.metadata.tables[table].columns:
        target = next(iter(column.foreign_keys)).column.table.name if column.foreign_keys else None
        out.append((column.name, target if target in TABLES else None))
    return out


def _largest(table: str) -> int:
    """The largest id (0 for a table keyed otherwise, such as a county's policy)."""
    if "id" not in db.metadata.tables[table].columns:
        return 0
    return int(db.session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) or 0)


def multiply(times: int, echo: Callable[[str], Any] = print) -> dict[str, Any]:
    """Make the loaded city `times` cities (PostgreSQL); returns the figures it printed."""
    if db.engine.dialect.name != "postgresql":
        raise SystemExit("province and nation scales are built on PostgreSQL (DATABASE_URL)")
    copies = times - 1
    start = time.perf_counter()
    largest = {table: _largest(table) for table in TABLES}
    db.session.commit()
    source = db.engine.raw_connection()
    target = db.engine.raw_connection()
    rows: dict[str, int] = {}
    try:
        reader, writer = source.driver_connection, target.driver_connection
        writer.execute("SET session_replication_role = replica")  # no FK trigger per row
        for table, overrides in TABLES.items():
            columns = _columns(table)
            exprs = []
            for name, ref in columns:
                if name in overrides:
                    exprs.append(overrides[name])
                elif name == "id":
                    exprs.append(f"x.id + k.k * {largest[table]}")
                elif ref is not None:
                    exprs.append(f"x.{name} + k.k * {largest[ref]}")
                else:
                    exprs.append(f"x.{name}")
            names = ", ".join(f'"{name}"' for name, _ref in columns)
            query = (f"SELECT {', '.join(exprs)} FROM {table} x "
                     f"CROSS JOIN generate_series(1, {copies}) AS k(k) "
                     + (f"WHERE x.id <= {largest[table]} ORDER BY k.k, x.id" if largest[table]
                        else ""))  # fmt: skip
            began = time.perf_counter()
            out_sql = f"COPY ({query}) TO STDOUT (FORMAT BINARY)"
            in_sql = f"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)"
            with reader.cursor().copy(out_sql) as out, writer.cursor().copy(in_sql) as into:
                for block in out:
                    into.write(block)
            rows[table] = largest_count = _count(writer, table)
            echo(f"  {table}: {largest_count:,} rows ({time.perf_counter() - began:.1f} s)")
            if largest[table]:
                writer.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
        writer.execute("SET session_replication_role = origin")
        writer.commit()
    finally:
        source.close()
        target.close()
    loaded = time.perf_counter() - start
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would: index-only scans work
        size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
        buffers = conn.exec_driver_sql("SHOW shared_buffers").scalar()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    figures = {"seconds": loaded, "total_seconds": time.perf_counter() - start,
               "bytes": int(size or 0), "peak_mb": peak, "rows": rows}  # fmt: skip
    echo(f"×{times} built in {loaded:.0f} s (with VACUUM ANALYZE {figures['total_seconds']:.0f} s):"
         f" {rows['teachers']:,} teachers, {rows['placements']:,} placements in "
         f"{rows['schools']:,} schools; database {int(size or 0) / 2**30:.1f} GiB on disk, "
         f"loader peak {peak:.0f} MB, PostgreSQL shared_buffers {buffers}")  # fmt: skip
    return figures


def _count(conn: Any, table: str) -> int:
    return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])

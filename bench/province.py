"""The province: the city's teachers and placements ×10 (about 150,000 teachers and 1.2 million
placements), copied inside PostgreSQL with INSERT … SELECT so it builds in a minute or two.

Copy k (1…9) of a teacher keeps the school and gets staff number `<staff_no>-k`, no account, and
id `id + k × (the largest id)`; each of their placements is copied to the copy the same way.
"""

from __future__ import annotations

import time

from sqlalchemy import text

from core.extensions import db

COPIES = 9  # the city plus nine copies: ×10


def _columns(table: str) -> list[str]:
    return [c.name for c in db.metadata.tables[table].columns]


def _copy(table: str, overrides: dict[str, str]) -> None:
    columns = _columns(table)
    values = [overrides.get(c, f"x.{c}") for c in columns]
    quoted = ", ".join(f'"{c}"' for c in columns)
    db.session.execute(
        text(
            f"INSERT INTO {table} ({quoted}) SELECT {', '.join(values)} "
            f"FROM {table} x CROSS JOIN generate_series(1, :copies) AS k(k) "
            f"WHERE x.id <= :last"
        ),
        {"copies": COPIES, "last": _largest(table)},
    )


def _largest(table: str) -> int:
    return int(db.session.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) or 0)


def grow(echo=print) -> None:  # type: ignore[no-untyped-def]
    if db.engine.dialect.name != "postgresql":
        raise SystemExit("--scale province builds on PostgreSQL: set BENCH_DATABASE_URL")
    start = time.perf_counter()
    teachers, placements = _largest("teachers"), _largest("placements")
    _copy(
        "teachers",
        {
            "id": f"x.id + k.k * {teachers}",
            "staff_no": "x.staff_no || '-' || k.k",
            "user_id": "NULL",
        },
    )
    _copy(
        "placements",
        {
            "id": f"x.id + k.k * {placements}",
            "teacher_id": f"x.teacher_id + k.k * {teachers}",
        },
    )
    for table in ("teachers", "placements"):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
        )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")  # as autovacuum would: index-only scans work
    counts = {
        t: db.session.scalar(text(f"SELECT COUNT(*) FROM {t}")) for t in ("teachers", "placements")
    }
    echo(
        f"province built in {time.perf_counter() - start:.1f} s: {counts['teachers']:,} teachers, "
        f"{counts['placements']:,} placements"
    )

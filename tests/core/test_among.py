"""`among`: a list of ids as IN, or on PostgreSQL beyond a hundred as one array; the same rows
either way (a province's board lists 4,050 schools)."""

from __future__ import annotations

from sqlalchemy import select

from core.db import MANY_IDS, among
from core.extensions import db
from core.models import School


def test_a_long_list_of_ids_selects_what_a_short_one_does(make_school):  # type: ignore[no-untyped-def]
    schools = [make_school() for _ in range(3)]
    wanted = [schools[0].id, schools[2].id]
    missing = range(10_000_000, 10_000_000 + MANY_IDS)  # ids no school has
    for ids in (wanted, [*wanted, *missing]):
        found = db.session.scalars(select(School.id).where(among(School.id, ids)))
        assert sorted(found) == sorted(wanted)
    assert not db.session.scalars(select(School.id).where(among(School.id, list(missing)))).all()

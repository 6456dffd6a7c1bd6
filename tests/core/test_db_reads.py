"""Reading at scale: `among` (a list of ids as IN, or on PostgreSQL beyond a hundred as one
array: the same rows either way; a province's board lists 4,050 schools) and `in_parallel`
(independent reads side by side, never blind to this transaction's own writes)."""

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


def test_reads_side_by_side_see_what_this_transaction_wrote(app, make_school):  # type: ignore[no-untyped-def]
    """`in_parallel` reads on other connections only when this transaction holds no write they
    could not see: after a flush (or an UPDATE through the session) the reads run here."""
    from sqlalchemy import func, update

    from core.db import has_written, in_parallel

    def count() -> int:
        return int(db.session.scalar(select(func.count()).select_from(School)) or 0)

    db.session.commit()
    assert not has_written()
    before = in_parallel(app, [count, count])
    school = make_school()  # written and committed by the fixture
    assert in_parallel(app, [count, count]) == [before[0] + 1] * 2
    db.session.execute(update(School).where(School.id == school.id).values(name="改名中"))
    assert has_written()
    names = in_parallel(
        app,
        [
            lambda: db.session.get(School, school.id).name,
            lambda: db.session.get(School, school.id).name,
        ],
    )
    assert names == ["改名中", "改名中"]  # read here: other connections would see the old name
    db.session.rollback()
    assert not has_written()

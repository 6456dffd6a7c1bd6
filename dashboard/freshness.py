"""Which schools' figures a change may have moved, read from the audit log.

Every change of a record is audited with the school it belongs to (core.audit), so what the
dashboard computed per school stays true until the log names that school again. A board keeps
its figures with a `Mark` of the log and, when the log has grown, recomputes only what the new
entries touched: after HR approves one placement, one school's person-times (the indicators
that read placements), not a province's eight figures. An entry of a kind not listed below, one
without a school, or a burst of entries (an import) means everything.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from core.extensions import db
from core.models import AuditEntry

# Records whose audit entry names the one school whose figures they move (a teacher's placements,
# recognitions and nominations count for the teacher's school; a move names both schools in its
# changes, see `since`).
LOCAL = frozenset(
    {
        "Teacher",
        "Placement",
        "Appointment",
        "Recognition",
        "InnovationTeam",
        "Nomination",
        "School",
        "Entry",
        "LiteracyResult",
    }
)
# Records no indicator counts: accounts and tokens, enterprises and their posts, tasks, mail,
# and what a recognition or title review looks at but the plan's indicators do not.
INERT = frozenset(
    {
        "User",
        "ApiToken",
        "Enterprise",
        "EnterpriseJob",
        "Task",
        "Notification",
        "SkillCertificate",
        "TeachingHours",
        "TitleReviewIntent",
        "EthicsResult",
        "MentorLink",
        "Seal",
    }
)
# Ids are taken when a transaction writes its entry but seen when it commits, so an older id can
# appear after a newer one: the ids missing among the newest WINDOW are watched until they do.
WINDOW = 200
# More new entries than this at once (an import, a batch) and every school is recomputed.
MANY = 500


@dataclass(frozen=True)
class Mark:
    """How far the log had been read: every id up to `top` except `unseen` (not yet committed).
    `top_at` tells the same log from one restored from a backup (or a test's new database)."""

    top: int
    top_at: datetime | None
    unseen: frozenset[int]


def _unseen(watched: Iterable[int], seen: Iterable[int], top: int) -> frozenset[int]:
    return frozenset(i for i in set(watched) - set(seen) if i > max(0, top - WINDOW))


def mark() -> Mark:
    """The log as it stands, read in one statement before computing anything from the data."""
    newest = select(func.max(AuditEntry.id)).scalar_subquery()
    rows = db.session.execute(
        select(AuditEntry.id, AuditEntry.at).where(AuditEntry.id > newest - WINDOW)
    ).all()
    top, top_at = max(rows, default=(0, None))
    return Mark(top, top_at, _unseen(range(top - WINDOW + 1, top + 1), [r.id for r in rows], top))


# {school: kinds of record changed there}; None: anything anywhere.
Changes = dict[int, set[str]] | None


def since(old: Mark) -> tuple[Mark, Changes]:
    """The log's new mark and what the entries after `old` changed, school by school: {} when
    nothing counted changed, None when any school's figures may have moved."""
    rows = db.session.execute(
        select(
            AuditEntry.id,
            AuditEntry.at,
            AuditEntry.school_id,
            AuditEntry.object_type,
            AuditEntry.changes,
        )
        .where(or_(AuditEntry.id >= old.top, AuditEntry.id.in_(old.unseen)))
        .order_by(AuditEntry.id)
        .limit(MANY + 2)
    ).all()
    read = next((row for row in rows if row.id == old.top), None)
    if old.top and (read is None or read.at != old.top_at):
        return mark(), None  # not the log that was read: a restored backup, a new database
    rows = [row for row in rows if row.id != old.top]
    if not rows:
        return old, {}
    ids = [row.id for row in rows]
    # Rows come in id order from one statement: every id up to the last one that is not among
    # them had not been committed when it ran.
    top = max(old.top, ids[-1])
    top_at = rows[-1].at if top == ids[-1] else old.top_at
    new = Mark(top, top_at, _unseen([*old.unseen, *range(old.top + 1, top + 1)], ids, top))
    if len(rows) > MANY:
        return new, None
    changes: dict[int, set[str]] = {}
    for row in rows:
        if row.object_type in INERT:
            continue
        if row.object_type not in LOCAL or row.school_id is None:
            return new, None
        touched = {row.school_id}
        moved = (row.changes or {}).get("school_id")
        if moved:  # a teacher who changed school: the figures of both move
            touched |= {int(s) for s in moved if s is not None}
        for school in touched:
            changes.setdefault(school, set()).add(row.object_type)
    return new, changes


def schools_reading(changes: dict[int, set[str]], kinds: Collection[str] | None) -> set[int]:
    """The schools where a record of `kinds` changed (of any kind when None)."""
    if kinds is None:
        return set(changes)
    return {school for school, changed in changes.items() if changed & set(kinds)}

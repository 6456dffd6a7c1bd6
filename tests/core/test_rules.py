"""Rule versions: defaults from domain.md, dated versions, and the admin page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from core import rules
from core.extensions import db
from core.models import AuditEntry, Role


def test_the_default_applies_until_a_version_says_otherwise(app, make_user):
    admin = make_user(Role.ADMIN)
    assert rules.get_rule("part_time_cap_ratio") == Decimal("0.30")
    rules.add_version(
        "part_time_cap_ratio", "0.25", date(2026, 1, 1), "city", "市人社局 2026 文", admin
    )
    rules.add_version("part_time_cap_ratio", "0.28", date(2027, 1, 1), "city", "", admin)
    db.session.commit()
    assert rules.get_rule("part_time_cap_ratio", date(2025, 12, 31)) == Decimal("0.30")
    assert rules.get_rule("part_time_cap_ratio", date(2026, 6, 1)) == Decimal("0.25")
    assert rules.get_rule("part_time_cap_ratio", date(2027, 1, 1)) == Decimal("0.28")


def test_ratios_are_decimals_so_floors_are_exact(app):
    # 0.29 × 100 is 28.999… in floating point; the cap must still be 29.
    ratio = rules._typed(rules.REGISTRY["part_time_cap_ratio"], "0.29")
    assert int(ratio * 100) == 29


def test_admin_adds_a_version_on_the_page_and_it_is_audited(login_as):
    c = login_as(role=Role.ADMIN)
    bad = c.post(
        "/admin/rules/part_time_cap_ratio",
        data={"value": "1.5", "valid_from": "2026-01-01", "level": "city"},
    )
    assert bad.status_code == 400
    assert "0 到 1 之间" in bad.get_data(as_text=True)
    ok = c.post(
        "/admin/rules/part_time_cap_ratio",
        data={"value": "0.25", "valid_from": "2026-01-01", "level": "city", "note": "试点"},
    )
    assert ok.status_code == 302
    entry = db.session.query(AuditEntry).filter_by(action="rule_version_added").one()
    assert entry.changes["value"] == ["0.30", "0.25"]
    assert "0.25" in c.get("/admin/rules").get_data(as_text=True)


def test_only_admin_changes_rules_and_the_bureau_may_read_them(login_as):
    bureau = login_as(role=Role.BUREAU)
    assert bureau.get("/admin/rules/part_time_cap_ratio").status_code == 200
    refused = bureau.post(
        "/admin/rules/part_time_cap_ratio",
        data={"value": "0.2", "valid_from": "2026-01-01", "level": "city"},
    )
    assert refused.status_code == 403
    assert login_as(role=Role.SCHOOL_HR).get("/admin/rules").status_code == 403


def test_a_job_reads_a_rule_once_however_often_it_asks(app):
    """Outside a request too (jobs, commands, workers) a rule is read once per app context."""
    from flask import g
    from sqlalchemy import event

    from core.extensions import db
    from core.rules import get_rule

    g.pop("_rule_versions", None)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        values = {get_rule("part_time_cap_ratio") for _ in range(45)}
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    reads = [s for s in statements if "rule_versions" in s]
    assert len(values) == 1 and len(reads) == 1

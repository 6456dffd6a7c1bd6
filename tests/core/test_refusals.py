"""A refusal changes nothing: a request commits only when no service refused, whatever status
code the page answers with (a view that catches a refusal to flash or re-render it included);
deciding many records at once keeps the ones that went through."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEntry, Role, User
from placements import services
from placements.demo import agreement_file
from placements.models import Confirmation, Enterprise, Placement
from tests.placements.conftest import valid_code
from tests.placements.test_pages import FORM


def _count(model) -> int:  # type: ignore[no-untyped-def]
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_refused_edit_leaves_no_new_enterprise_and_no_audit_entry(
    login_as, teacher_with_account, make_placement
):  # type: ignore[no-untyped-def]
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="draft")
    page = login_as(user)
    form = page.get(f"/placements/{placement.id}/edit")
    assert form.status_code == 200
    services.add_evidence(placement, "agreement", agreement_file(), user)
    services.transition(placement, "submit", user)  # meanwhile, in another tab
    db.session.commit()
    enterprises, entries = _count(Enterprise), _count(AuditEntry)
    answer = page.post(
        f"/placements/{placement.id}/edit",
        data={**FORM, "credit_code": valid_code(77), "enterprise_name": "刚刚新建的企业"},
    )
    assert "只有草稿" in answer.get_data(as_text=True)  # the refusal, said on the page
    db.session.expire_all()
    assert _count(Enterprise) == enterprises and _count(AuditEntry) == entries
    assert db.session.scalar(select(Enterprise).where(Enterprise.name == "刚刚新建的企业")) is None


def test_deciding_many_keeps_what_went_through(
    login_as, teacher_with_account, make_placement, make_user
):  # type: ignore[no-untyped-def]
    teacher, _user = teacher_with_account()
    submitted = [
        make_placement(teacher, date(2025, 3, 3), status="confirmed"),
        make_placement(teacher, date(2025, 4, 7), status="draft"),  # not submitted: refused
    ]
    hr = login_as(make_user(Role.SCHOOL_HR, school=teacher.school))
    answer = hr.post("/placements/bulk", data={"ids": [str(p.id) for p in submitted]})
    assert answer.status_code == 200
    db.session.expire_all()
    statuses = [db.session.get(Placement, p.id).status for p in submitted]
    assert statuses == ["approved", "draft"]


def test_resetting_a_confirmation_is_audited_from_what_it_was(
    teacher_with_account, make_placement, make_enterprise
):  # type: ignore[no-untyped-def]
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    hr = User.query.filter_by(school_id=teacher.school_id, role=Role.SCHOOL_HR).first()
    services.transition(placement, "return", hr, "请补充")  # returned, still confirmed
    db.session.commit()
    assert placement.confirmation == Confirmation.MENTOR
    other = make_enterprise()
    data = {k: getattr(placement, k) for k in ("post", "form", "start_date", "end_date", "days")}
    services.save_draft(teacher, other, data, user, placement)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert entry.changes["confirmation"] == [Confirmation.MENTOR.value, Confirmation.NONE.value]

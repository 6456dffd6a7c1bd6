"""The placement pages as teachers and HR meet them."""

from __future__ import annotations

import io
from datetime import date

from core.extensions import db
from core.models import Role
from placements.models import Placement
from tests.placements.conftest import valid_code

FORM = {
    "credit_code": "",
    "enterprise_name": "温州精工",
    "post": "装配",
    "form": "post",
    "start_date": "2025-03-03",
    "end_date": "2025-03-07",
    "days": "5",
}


def test_field_messages_for_a_bad_placement_and_nothing_saved(login_as, teacher_with_account):
    teacher, user = teacher_with_account()
    c = login_as(user)
    page = c.post(
        "/placements/new", data={**FORM, "credit_code": "91350100M000100Y44", "days": "9"}
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "校验码不正确" in text
    page = c.post("/placements/new", data={**FORM, "credit_code": valid_code(3), "days": "9"})
    assert page.status_code == 400 and "超出了 5 天" in page.get_data(as_text=True)
    assert db.session.query(Placement).count() == 0
    ok = c.post("/placements/new", data={**FORM, "credit_code": valid_code(3)})
    assert ok.status_code == 302


def test_a_fake_evidence_file_is_refused(login_as, teacher_with_account, make_placement):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="draft")
    c = login_as(user)
    c.post(
        f"/placements/{placement.id}/evidence",
        content_type="multipart/form-data",
        data={"kind": "agreement", "file": (io.BytesIO(b"not a pdf"), "协议.pdf")},
    )
    assert "请上传真实的" in c.get(f"/placements/{placement.id}").get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.evidence == []


def test_an_impossible_step_is_a_409_naming_the_state(
    login_as, teacher_with_account, make_placement
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3))
    page = login_as(user).post(f"/placements/{placement.id}/withdraw")
    assert page.status_code == 409 and "已通过" in page.get_data(as_text=True)


def test_rejecting_without_a_reason_asks_for_one(
    login_as, teacher_with_account, make_placement, make_user
):
    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    hr = login_as(make_user(Role.SCHOOL_HR, school=teacher.school))
    response = hr.post(f"/placements/{placement.id}/reject", data={"reason": ""})
    assert response.status_code == 303
    assert "请填写理由" in hr.get(response.location).get_data(as_text=True)
    db.session.refresh(placement)
    assert placement.status == "submitted"


def test_home_pages_show_the_next_step(login_as, teacher_with_account, make_placement, make_user):
    teacher, user = teacher_with_account()
    make_placement(teacher, date(2025, 3, 3), days=10)
    make_placement(teacher, date(2025, 5, 5), status="confirmed")
    home = login_as(user).get("/").get_data(as_text=True)
    assert "10.0 / 132 天" in home and "登记企业实践" in home
    hr_home = (
        login_as(make_user(Role.SCHOOL_HR, school=teacher.school)).get("/").get_data(as_text=True)
    )
    # Counted once, in the 待办: the confirmed one is HR's, the unconfirmed one the teacher's.
    assert '<span class="count-badge">1</span> 待审核的企业实践' in hr_home
    assert "已提交的企业实践" not in hr_home


def test_a_draft_offers_delete_not_withdraw_and_evidence_uploaded_by_mistake_comes_off(
    login_as, teacher_with_account, make_placement, make_user
):
    from core.models import AuditEntry
    from placements import services
    from placements.demo import agreement_file

    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="draft")
    wrong = services.add_evidence(placement, "agreement", agreement_file(), user)
    db.session.commit()
    c = login_as(user)
    page = c.get(f"/placements/{placement.id}").get_data(as_text=True)
    assert "删除草稿" in page and ">撤回<" not in page
    assert f"/placement-evidence/{wrong.id}/remove" in page
    # Someone else's evidence: refused, nothing removed.
    other = login_as(make_user(Role.TEACHER, school=teacher.school))
    assert other.post(f"/placement-evidence/{wrong.id}/remove").status_code == 403
    done = c.post(f"/placement-evidence/{wrong.id}/remove")
    assert done.status_code == 302
    db.session.refresh(placement)
    assert placement.evidence == []
    assert db.session.query(AuditEntry).filter_by(action="evidence_removed").count() == 1
    # Once submitted, the evidence stays as HR and the enterprise read it.
    services.add_evidence(placement, "agreement", agreement_file(), user)
    services.transition(placement, "submit", user)
    db.session.commit()
    [kept] = placement.evidence
    assert c.post(f"/placement-evidence/{kept.id}/remove").status_code == 409
    assert f"/placement-evidence/{kept.id}/remove" not in c.get(
        f"/placements/{placement.id}"
    ).get_data(as_text=True)


def test_the_api_removes_evidence_as_the_page_does(
    api_client, teacher_with_account, make_placement, make_user
):
    from placements import services
    from placements.demo import agreement_file

    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="draft")
    item = services.add_evidence(placement, "agreement", agreement_file(), user)
    db.session.commit()
    stranger = api_client(make_user(Role.SCHOOL_HR))  # another school's HR
    assert stranger("DELETE", f"/api/v1/placement-evidence/{item.id}").status_code == 403
    assert api_client(user)("DELETE", f"/api/v1/placement-evidence/{item.id}").status_code == 204
    db.session.refresh(placement)
    assert placement.evidence == []


def test_a_name_other_than_the_registered_one_is_said_not_silently_replaced(  # type: ignore[no-untyped-def]
    login_as, teacher_with_account, make_enterprise
):
    teacher, user = teacher_with_account()
    registered = make_enterprise(name="温州瑞明工业股份有限公司", code=valid_code(41))
    c = login_as(user)
    saved = c.post("/placements/new", data={**FORM, "credit_code": registered.credit_code,
                                            "enterprise_name": "瑞明工业"})  # fmt: skip
    assert saved.status_code == 302
    page = c.get(saved.location).get_data(as_text=True)
    assert "已登记为“温州瑞明工业股份有限公司”" in page and "您填写的是“瑞明工业”" in page
    # The same name (spaces and full-width letters aside) says nothing.
    same = {**FORM, "credit_code": registered.credit_code, "start_date": "2025-04-07",
            "end_date": "2025-04-11", "enterprise_name": " 温州瑞明工业股份有限公司 "}  # fmt: skip
    again = c.post("/placements/new", data=same)
    assert "已登记为" not in c.get(again.location).get_data(as_text=True)

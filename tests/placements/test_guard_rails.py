"""Mistakes stopped before they are made: no submission without evidence, no practice logged
before it happens, a draft its teacher can delete, HR's panel with HR's decisions only, and
messages that say what happened."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest

from core.errors import Conflict, ValidationFailed
from core.extensions import db
from core.models import Role
from core.timeutil import today
from placements import services
from placements.demo import _agreement_pdf as agreement_pdf
from placements.demo import agreement_file
from placements.models import Placement


def test_a_placement_without_evidence_is_not_submitted(
    app, teacher_with_account, make_placement, login_as
):
    teacher, user = teacher_with_account()
    draft = make_placement(teacher, date(2025, 3, 3), status="draft")
    with pytest.raises(ValidationFailed) as err:
        services.transition(draft, "submit", user)
    assert "佐证材料" in err.value.fields["evidence"][0] and draft.status == "draft"
    db.session.commit()
    page = login_as(user).get(f"/placements/{draft.id}").get_data(as_text=True)
    assert "请先上传佐证材料" in page  # the submit button is disabled and says why
    assert f'action="/placements/{draft.id}/evidence"' in page  # the upload form stays
    services.add_evidence(draft, "agreement", agreement_file(), user)
    services.transition(draft, "submit", user)
    assert draft.status == "submitted"


def test_practice_still_to_come_is_refused_when_saved(app, teacher_with_account, make_enterprise):
    teacher, user = teacher_with_account()
    later = today() + timedelta(days=10)
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(
            teacher,
            make_enterprise(),
            {"post": "装配", "form": "post", "start_date": later, "end_date": later, "days": 1},
            user,
        )
    assert "end_date" in err.value.fields


def test_a_teacher_deletes_a_draft_but_not_a_submitted_placement(
    app, teacher_with_account, make_placement, login_as, api_client
):
    teacher, user = teacher_with_account()
    draft = make_placement(teacher, date(2025, 3, 3), status="draft")
    other = make_placement(teacher, date(2025, 4, 7), status="draft")
    sent = make_placement(teacher, date(2025, 5, 5), status="submitted")
    db.session.commit()
    ids = draft.id, other.id, sent.id
    page = login_as(user)
    assert "删除草稿" in page.get(f"/placements/{ids[0]}").get_data(as_text=True)
    response = page.post(f"/placements/{ids[0]}/delete")
    assert response.status_code == 302 and "已删除" in page.get("/placements").get_data(
        as_text=True
    )
    call = api_client(user)
    assert call("DELETE", f"/api/v1/placements/{ids[1]}").status_code == 204
    refused = call("DELETE", f"/api/v1/placements/{ids[2]}")
    assert refused.status_code == 409
    assert {p.id for p in db.session.query(Placement)} == {ids[2]}
    with pytest.raises(Conflict):
        services.delete_draft(db.session.get(Placement, ids[2]), user)
    stranger = api_client(role=Role.TEACHER)
    assert stranger("DELETE", f"/api/v1/placements/{ids[2]}").status_code in (403, 404)


def test_hr_s_panel_offers_hr_s_decisions_with_one_reason_box_and_names_what_happened(
    app, teacher_with_account, make_placement, make_user, login_as
):
    teacher, _user = teacher_with_account(name="陈燕涛")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    db.session.commit()
    reviewer = login_as(hr)
    page = reviewer.get(f"/placements/{placement.id}").get_data(as_text=True)
    panel = page.split("下一步", 1)[1].split('id="evidence"', 1)[0]
    assert "撤回" not in panel and panel.count("<textarea") == 1
    assert "通过" in panel and "退回修改" in panel
    done = reviewer.post(f"/placements/{placement.id}/approve")
    assert done.status_code == 302
    listing = reviewer.get(done.location).get_data(as_text=True)
    assert f"已通过 陈燕涛 的企业实践（{placement.enterprise.name}）" in listing


def test_evidence_is_added_until_the_school_decides_on_the_page_and_through_the_api(
    teacher_with_account, make_placement, login_as, api_client
):
    teacher, user = teacher_with_account()
    submitted = make_placement(teacher, date(2025, 3, 3), date(2025, 3, 7), status="submitted")
    approved = make_placement(teacher, date(2025, 5, 5), date(2025, 5, 9), status="approved")
    call = api_client(user)

    def send(placement):  # type: ignore[no-untyped-def]
        return call(
            "POST",
            f"/api/v1/placements/{placement.id}/evidence",
            data={"kind": "attendance", "file": (io.BytesIO(agreement_pdf()), "考勤.pdf")},
            content_type="multipart/form-data",
        )

    added = send(submitted)
    assert added.status_code == 201 and added.json["kind_label"] == "考勤表"
    refused = send(approved)
    assert refused.status_code == 409 and refused.json["error"]["code"] == "invalid_transition"
    page = login_as(user).post(
        f"/placements/{approved.id}/evidence",
        data={"kind": "attendance", "file": (io.BytesIO(agreement_pdf()), "考勤.pdf")},
    )
    assert page.status_code == 409
    db.session.refresh(approved)
    assert all(e.kind != "attendance" for e in approved.evidence)

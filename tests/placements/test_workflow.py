"""The transition table, the checks on each step, and what a bad request changes: nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import AuditEntry, Role
from core.timeutil import today
from placements import mentor, services
from placements.demo import agreement_file
from placements.models import Placement, PlacementStatus

S = PlacementStatus


def data(start: date, days: float = 5, **kw):  # type: ignore[no-untyped-def]
    return {
        "post": "装配",
        "form": "post",
        "start_date": start,
        "end_date": start + timedelta(days=6),
        "days": Decimal(str(days)),
        **kw,
    }


# The placement workflow as the school works it, written out here (not read from the table it
# checks): a table edited to send `approve` anywhere else makes this test fail.
EXPECTED = {
    ("draft", "submit"): "submitted",
    ("returned", "submit"): "submitted",
    ("submitted", "withdraw"): "withdrawn",
    ("returned", "withdraw"): "withdrawn",
    ("submitted", "approve"): "approved",
    ("submitted", "reject"): "rejected",
    ("submitted", "return"): "returned",
    ("submitted", "mentor_declined"): "returned",  # the enterprise, through its link
    # The enterprise's confirmation: steps within a state, each under the lock and audited.
    ("submitted", "mentor_confirmed"): "submitted",
    ("submitted", "confirmed"): "submitted",  # HR, with the stamped assessment form
    ("returned", "confirmation_reset"): "returned",  # an edit of what it confirmed
}


def test_every_pair_of_state_and_action_is_either_in_the_table_or_a_409(
    app, teacher_with_account, make_placement, make_user
):
    teacher, user = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    start = date(2025, 1, 6)
    for state in S:
        for action in services.ACTIONS:
            start += timedelta(days=20)
            placement = make_placement(
                teacher, start, status="confirmed" if state != "draft" else "draft"
            )
            if not placement.evidence:
                services.add_evidence(placement, "agreement", agreement_file(), user)
            placement.status = state  # put it in `state` directly to probe the table
            db.session.commit()
            actor = hr if action in ("approve", "reject", "return") else user
            expected = EXPECTED.get((state.value, action))
            if expected is None:
                with pytest.raises(Conflict) as err:
                    services.transition(placement, action, actor, "理由")
                assert err.value.extra["status"] == state
            else:
                services.transition(placement, action, actor, "理由")
                assert placement.status == expected, (state, action)
            db.session.rollback()
    table = {(s.value, a): str(step.to) for (s, a), step in services.WORKFLOW.table.items()}
    assert table == EXPECTED


def test_the_whole_path_is_audited(app, teacher_with_account, make_user, make_enterprise):
    teacher, user = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    placement = services.save_draft(teacher, make_enterprise(), data(date(2025, 3, 3)), user)
    services.add_evidence(placement, "agreement", agreement_file(), user)
    services.transition(placement, "submit", user)  # makes the mentor's link at once
    [link] = mentor.open_links(placement)
    mentor.confirm(mentor.token_of(link), Decimal(5), "陈工")
    services.transition(placement, "approve", hr)
    db.session.commit()
    actions = [
        e.action
        for e in db.session.query(AuditEntry)
        .filter_by(object_type="Placement")
        .order_by(AuditEntry.id)
    ]
    assert actions == [
        "create",
        "evidence_added",
        "submit",
        "mentor_link_created",
        "mentor_confirmed",
        "approve",
    ]


def test_approval_needs_the_enterprise_s_confirmation(
    app, teacher_with_account, make_placement, make_user
):
    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="submitted")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    with pytest.raises(Conflict, match="企业尚未确认"):
        services.transition(placement, "approve", hr)


def test_nobody_approves_their_own_or_another_school_s_placement(
    app, teacher_with_account, make_placement, make_user, make_school
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    with pytest.raises(PermissionDenied):
        services.transition(placement, "approve", user)
    other_hr = make_user(Role.SCHOOL_HR, school=make_school())
    with pytest.raises(PermissionDenied):
        services.transition(placement, "approve", other_hr)
    assert placement.status == S.SUBMITTED


def test_reject_and_return_need_a_reason(app, teacher_with_account, make_placement, make_user):
    teacher, _user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    for action in ("reject", "return"):
        with pytest.raises(ValidationFailed):
            services.transition(placement, action, hr, "  ")
    services.transition(placement, "return", hr, "请补充考勤表")
    assert placement.status == S.RETURNED and placement.decision_note == "请补充考勤表"


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"end_date": date(2025, 3, 1)}, "end_date", "结束日期早于开始日期"),
        ({"days": Decimal(8)}, "days", "超出了 7 天"),
        ({"days": None, "hours": Decimal(200)}, "hours", "超过 24 小时"),
        ({"days": Decimal(0)}, "days", "大于 0"),
    ],
)
def test_bad_periods_are_refused_per_field(
    app, teacher_with_account, make_enterprise, change, field, message
):
    teacher, user = teacher_with_account()
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(teacher, make_enterprise(), {**data(date(2025, 3, 3)), **change}, user)
    assert message in err.value.fields[field][0]
    assert db.session.query(Placement).count() == 0


def test_hours_become_days_by_the_rule_in_force(app, teacher_with_account, make_enterprise):
    teacher, user = teacher_with_account()
    placement = services.save_draft(
        teacher,
        make_enterprise(),
        {**data(date(2025, 3, 3)), "days": None, "hours": Decimal(36)},
        user,
    )
    assert placement.days == Decimal("4.5")


def test_a_period_ending_in_the_future_cannot_be_submitted(
    app, teacher_with_account, make_enterprise
):
    teacher, user = teacher_with_account()
    with pytest.raises(ValidationFailed) as err:  # refused when saved, not only when submitted
        services.save_draft(teacher, make_enterprise(), data(today() - timedelta(days=2)), user)
    assert "不能晚于今天" in err.value.fields["end_date"][0]


def test_overlaps_are_refused_naming_the_other_placement(
    app, teacher_with_account, make_placement, make_enterprise
):
    teacher, user = teacher_with_account()
    first = make_placement(
        teacher, date(2025, 3, 3), date(2025, 3, 14), enterprise=make_enterprise("温州瑞立")
    )
    with pytest.raises(ValidationFailed) as err:
        services.save_draft(teacher, make_enterprise(), data(date(2025, 3, 14)), user)
    text = err.value.fields["start_date"][0]
    assert "温州瑞立" in text and "2025-03-03" in text and f"#{first.id}" not in text
    # Withdrawn or rejected ones do not block; neither do other teachers'.
    services.transition(first, "submit", user) if first.status == "draft" else None
    adjacent = services.save_draft(teacher, make_enterprise(), data(date(2025, 3, 15)), user)
    assert adjacent.id


def test_a_correction_of_an_approved_placement_is_a_numbered_revision(
    app, teacher_with_account, make_placement, make_user
):
    teacher, user = teacher_with_account()
    placement = make_placement(teacher, date(2025, 3, 3), days=10)
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    with pytest.raises(Conflict):
        services.save_draft(teacher, placement.enterprise, data(date(2025, 3, 3)), user, placement)
    with pytest.raises(ValidationFailed):
        services.correct_approved(placement, {"days": Decimal(8)}, "", hr)
    revision = services.correct_approved(placement, {"days": Decimal(8)}, "考勤表核对为 8 天", hr)
    assert revision.number == 1 and revision.changes["days"] == ["10.0", "8"]
    assert placement.days == Decimal(8) and placement.status == S.APPROVED
    with pytest.raises(PermissionDenied):
        services.correct_approved(placement, {"days": Decimal(7)}, "x", user)


def test_the_enterprise_s_confirmation_is_taken_and_undone_by_steps(  # type: ignore[no-untyped-def]
    app, teacher_with_account, make_placement, make_user
):
    """The confirmation was set beside the workflow (no lock, no step): it is now the workflow's
    steps — confirmed by the mentor or by HR's stamped form, undone by an edit — each audited."""
    from placements.models import Confirmation

    teacher, user = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    placement = make_placement(teacher, date(2025, 3, 3), status="confirmed")
    assert placement.confirmation == Confirmation.MENTOR
    with pytest.raises(Conflict):  # confirmed once: HR's form does not confirm it again
        services.confirm_by_upload(placement, agreement_file(), hr)
    services.transition(placement, "return", hr, "请补充说明")
    edited = {k: getattr(placement, k) for k in services.FIELDS} | {"days": Decimal("8")}
    services.save_draft(teacher, placement.enterprise, edited, user, placement)
    db.session.commit()
    assert placement.confirmation == Confirmation.NONE
    steps = db.session.query(AuditEntry.action).filter(
        AuditEntry.object_type == "Placement", AuditEntry.object_id == str(placement.id)
    )  # fmt: skip
    assert ("confirmation_reset",) in steps.all()
    services.transition(placement, "submit", user)
    services.confirm_by_upload(placement, agreement_file(), hr)  # HR's stamped form, a step
    db.session.commit()
    assert placement.confirmation == Confirmation.UPLOAD and placement.confirmed_days == 8
    assert steps.filter(AuditEntry.action == "confirmed").count() == 1


def test_two_overlapping_placements_submitted_at_once_are_not_both_approved(  # type: ignore[no-untyped-def]
    app, teacher_with_account, make_placement, make_user
):
    """Each submission checks the other as a draft when both go at the same moment: the check at
    approval is the one that catches the overlap (delete it and the second is approved too)."""
    teacher, _user = teacher_with_account()
    hr = make_user(Role.SCHOOL_HR, school=teacher.school)
    first = make_placement(teacher, date(2025, 4, 7), status="confirmed")
    second = make_placement(teacher, date(2025, 5, 5), status="confirmed")
    second.start_date = date(2025, 4, 10)  # as if submitted beside the first, unseen by it
    db.session.commit()
    for placement in (first, second):  # HR is told which days overlap; neither is approved
        with pytest.raises(ValidationFailed) as refused:
            services.transition(placement, "approve", hr)
        assert "2025-04" in str(refused.value.fields["start_date"])
        db.session.rollback()
    assert {db.session.get(Placement, p.id).status for p in (first, second)} == {
        PlacementStatus.SUBMITTED
    }

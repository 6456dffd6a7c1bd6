"""The recognition workflow, both kinds in one table: D-class (proposed by a published result →
the bureau confirms, or the result stops qualifying and it is withdrawn) and dual-qualified (the
teacher applies → the school passes or returns → the bureau approves into a public notice → the
bureau recognises after it, with objections recorded during it). Every step goes through
`RECOGNITION.transition`: pages, the API, the bulk decisions, the ethics veto and the signal
handler of corrected results."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import handover
from core.errors import Conflict, ValidationFailed
from core.handover import Notice
from core.models import Role, User
from core.permissions import in_school_scope
from core.rules import get_rule
from core.timeutil import today, years_later
from core.workflow import SYSTEM, Step, Workflow

from . import dual
from .labels import STATUS
from .models import Kind, Recognition, Status
from .waits import WAITS

S = Status

ACTIONS = {
    "confirm": _l("Confirm"),
    "reject": _l("Reject"),
    "pass": _l("Pass to the bureau"),
    "return": _l("Return to the teacher"),
    "resubmit": _l("Resubmit"),
    "withdraw": _l("Withdraw"),
    "object": _l("Record an objection"),
    "finalize": _l("Recognise"),
    "revoke": _l("Revoke"),
    "result_withdrawn": _l("Withdraw: the result no longer qualifies"),
    "result_restored": _l("Restore: the result qualifies again"),
}


# --- who may take a step ------------------------------------------------------------------------


def is_bureau_for(user: User | None, r: Recognition) -> bool:
    return (
        user is not None
        and user.role == Role.BUREAU
        and in_school_scope(user, r.teacher.school)
        and r.teacher.user_id != user.id
    )


def is_hr_for(user: User | None, r: Recognition) -> bool:
    return (
        user is not None and user.role == Role.SCHOOL_HR and user.school_id == r.teacher.school_id
    )


def is_applicant(user: User | None, r: Recognition) -> bool:
    return user is not None and r.kind == Kind.DUAL_QUALIFIED and r.teacher.user_id == user.id


def _bureau_only(*_args: Any) -> str:
    return _("Only the bureau responsible for the teacher's school decides.")


# --- guards and effects ---------------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def _issue_certificate(r: Recognition, by: User | None, _reason: str) -> None:
    on = today()
    r.confirmed_on = on
    r.decided_by_id = by.id if by else None
    prefix = "WZD" if r.kind == Kind.D_CLASS else "WZSS"
    r.certificate_no = f"{prefix}{on.year}{r.id:06d}"
    r.verification_code = secrets.token_hex(5).upper()
    if r.kind == Kind.DUAL_QUALIFIED:
        r.recheck_due = years_later(on, get_rule("dual_qualified_recheck_years", on))


def _into_notice(r: Recognition, by: User | None, _reason: str) -> None:
    r.notice_until = add_working_days(today(), get_rule("recognition_notice_working_days"))
    r.decided_by_id = by.id if by else None


def _decided(r: Recognition, by: User | None, reason: str) -> None:
    r.decision_note = reason
    r.decided_by_id = by.id if by else None


def _noted(r: Recognition, _by: User | None, reason: str) -> None:
    r.decision_note = reason


def _regathered(r: Recognition, _by: User | None, _reason: str) -> None:
    evidence = dual.gather(r.teacher, today())
    r.evidence = {**evidence, "supported": dual.highest_supported(evidence)}


def _check_objection(_r: Recognition, _by: User | None, reason: str) -> None:
    if not reason:
        raise ValidationFailed({"objection": _("Write the objection.")})


def _objection_recorded(r: Recognition, _by: User | None, reason: str) -> None:
    r.objections = [*r.objections, {"at": today().isoformat(), "text": reason}]


def _check_notice_over(r: Recognition, _by: User | None, _reason: str) -> None:
    if today() <= r.notice_until:
        raise Conflict(_("The notice period runs until %(d)s.", d=r.notice_until), status=r.status)


# --- who is told ----------------------------------------------------------------------------------


def _about(r: Recognition) -> dict[str, Any]:
    return {
        "teacher": r.teacher.name,
        "school": r.teacher.school.name,
        "basis": r.basis,
        "reason": r.decision_note,
        "day": r.notice_until.isoformat() if r.notice_until else "",
    }


def _link(r: Recognition) -> str:
    return f"/recognitions/{r.id}"


def _teacher(r: Recognition) -> list[int | None]:
    return [r.teacher.user_id]


def _hr(r: Recognition) -> list[int]:
    return handover.school_hr(r.teacher.school_id)


def _bureau(r: Recognition) -> list[int]:
    return handover.bureau_for(r.teacher.school_id)


def _of(kind: Kind, to: Any) -> Any:
    return lambda r: to(r) if r.kind == kind else []


def _notice(kind: str, to: Any) -> Notice:
    return Notice(kind, to, _link, _about)


# The school of an application, the bureau of what it decides, the teacher (and their school) of
# every decision.
HANDOVERS = {
    "proposed": [_notice("d_class_proposed", _bureau)],
    "confirm": [
        _notice("d_class_confirmed", _of(Kind.D_CLASS, lambda r: _teacher(r) + _hr(r))),
        _notice("dual_in_notice", _of(Kind.DUAL_QUALIFIED, lambda r: _teacher(r) + _hr(r))),
    ],
    "applied": [_notice("dual_applied", _hr)],
    "resubmit": [_notice("dual_applied", _hr)],
    "withdraw": [_notice("dual_withdrawn", _hr)],
    "pass": [_notice("dual_school_passed", lambda r: _bureau(r) + _teacher(r))],
    "return": [_notice("dual_returned", _teacher)],
    "reject": [_notice("recognition_rejected", lambda r: _teacher(r) + _hr(r))],
    "finalize": [_notice("dual_recognised", lambda r: _teacher(r) + _hr(r))],
}

_confirm_d = Step(S.CONFIRMED, is_bureau_for, effect=_issue_certificate,
                  audit_as="recognition_confirmed", denied=_bureau_only)  # fmt: skip
_reject = Step(S.REJECTED, is_bureau_for, needs_reason=True, effect=_decided,
               audit_as="recognition_rejected", denied=_bureau_only)  # fmt: skip
_withdraw = Step(S.CANCELLED, is_applicant, denied=lambda *_a: _(
    "Only the teacher who applied withdraws the application."))  # fmt: skip
_revoke = Step(S.REVOKED, is_hr_for, effect=_noted, audit_as="recognition_revoked")

RECOGNITION = Workflow(
    {
        # D-class
        (S.PENDING, "confirm"): _confirm_d,
        (S.PENDING, "reject"): _reject,
        (S.PENDING, "result_withdrawn"): Step(S.WITHDRAWN, SYSTEM,
                                              audit_as="recognition_withdrawn"),
        (S.WITHDRAWN, "result_restored"): Step(S.PENDING, SYSTEM,
                                               audit_as="recognition_restored"),
        # dual-qualified
        (S.APPLIED, "withdraw"): _withdraw,
        (S.RETURNED, "withdraw"): _withdraw,
        (S.APPLIED, "pass"): Step(S.SCHOOL_PASSED, is_hr_for, effect=_noted,
                                  audit_as="school_review"),
        (S.APPLIED, "return"): Step(S.RETURNED, is_hr_for, needs_reason=True, effect=_noted,
                                    audit_as="school_review"),
        (S.RETURNED, "resubmit"): Step(S.APPLIED, is_applicant, effect=_regathered,
                                       audit_as="recognition_resubmitted"),
        (S.SCHOOL_PASSED, "confirm"): Step(S.NOTICE, is_bureau_for, effect=_into_notice,
                                           audit_as="recognition_confirmed",
                                           denied=_bureau_only),
        (S.SCHOOL_PASSED, "reject"): _reject,
        (S.NOTICE, "reject"): _reject,
        (S.NOTICE, "object"): Step(S.NOTICE, is_bureau_for, guard=_check_objection,
                                   effect=_objection_recorded, audit_as="objection_recorded",
                                   denied=_bureau_only),
        (S.NOTICE, "finalize"): Step(S.CONFIRMED, is_bureau_for, guard=_check_notice_over,
                                     effect=_issue_certificate, audit_as="recognised",
                                     denied=_bureau_only),
        # the ethics veto (HR records the failed assessment)
        (S.APPLIED, "revoke"): _revoke,
        (S.SCHOOL_PASSED, "revoke"): _revoke,
        (S.NOTICE, "revoke"): _revoke,
        (S.CONFIRMED, "revoke"): _revoke,
    },
    STATUS,
    ACTIONS,
    HANDOVERS,
    model=Recognition,
    waits=WAITS,
)  # fmt: skip
# The steps a person takes from the recognition's page (or the API's twin).
STEPS = ("confirm", "reject", "pass", "return", "resubmit", "withdraw", "object", "finalize")

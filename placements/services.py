"""Placement services: enterprises, drafts, the transition table, evidence and corrections.

Every state change goes through `transition`, which checks the table below; the request,
command or job around it commits.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from core import audit
from core.bulk import Outcome, decide_each
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import Notice
from core.models import User
from core.rules import get_rule
from core.timeutil import today, utcnow
from core.uploads import save_upload
from core.workflow import SYSTEM, Step, Workflow, lock
from teachers.models import Teacher

from . import credit_code, labels
from .ledger import round_days
from .models import (
    HOLDS_ITS_DAYS,
    Confirmation,
    Enterprise,
    EvidenceKind,
    Placement,
    PlacementEvidence,
    PlacementRevision,
    PlacementStatus,
)
from .permissions import can_edit, is_school_hr, visible_placements
from .signals import submitted
from .waits import WAITS, hr_of, teacher_of

S = PlacementStatus

# --- enterprises ------------------------------------------------------------------------------

CODE_PROBLEMS = {
    "length": lambda: _("A unified social credit code has 18 characters."),
    "characters": lambda: _(
        "A unified social credit code uses digits and capital letters except I, O, S, V and Z."
    ),
    "check": lambda: _(
        "The last character does not match the rest of the code (GB 32100-2015 check). "
        "Please check the code on the business licence."
    ),
}


def enterprise_by_code(code: str) -> Enterprise | None:
    return db.session.scalar(
        select(Enterprise).where(Enterprise.credit_code == credit_code.normalise(code))
    )


def find_or_add_enterprise(
    code: str, name: str, by: User | None, industry: str = "", county_id: int | None = None
) -> Enterprise:
    """The enterprise with this credit code; added when it is new (a code never makes two)."""
    problem = credit_code.problem(code)
    if problem:
        raise ValidationFailed({"credit_code": CODE_PROBLEMS[problem]()})
    existing = enterprise_by_code(code)
    if existing is not None:
        return existing
    name = (name or "").strip()
    if not name:
        raise ValidationFailed({"enterprise_name": _("Enter the enterprise's name.")})
    enterprise = Enterprise(
        name=name[:200],
        credit_code=credit_code.normalise(code),
        industry=(industry or "").strip()[:60],
        county_id=county_id,
    )
    db.session.add(enterprise)
    db.session.flush()
    audit.record(
        "create",
        enterprise,
        by=by,
        changes={"name": [None, enterprise.name], "credit_code": [None, enterprise.credit_code]},
    )
    return enterprise


def registered_instead(enterprise: Enterprise, typed: str | None) -> str | None:
    """The message to show when the name typed is not the one registered for the credit code
    (the record keeps the registered one: one code, one enterprise), else None."""

    def plain(text: str | None) -> str:
        return "".join(unicodedata.normalize("NFKC", text or "").split())

    if not plain(typed) or plain(typed) == plain(enterprise.name):
        return None
    return _("The credit code %(code)s is registered as “%(name)s”: the placement is recorded "
             "under that name (you typed “%(typed)s”).", code=enterprise.credit_code,
             name=enterprise.name, typed=(typed or "").strip())  # fmt: skip


# --- drafts -----------------------------------------------------------------------------------

FIELDS = (
    "post",
    "form",
    "start_date",
    "end_date",
    "days",
    "hours",
    "mentor_name",
    "mentor_phone",
    "mentor_email",
    "description",
)


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def check_period(data: dict[str, Any], *, completed: bool) -> dict[str, Any]:
    """Validate dates, days and hours; returns the values with days filled in from hours."""
    errors: dict[str, str] = {}
    start, end = data.get("start_date"), data.get("end_date")
    days, hours = _decimal(data.get("days")), _decimal(data.get("hours"))
    if start and end and end < start:
        errors["end_date"] = _("The end date is before the start date.")
    if completed and end and end > today():
        errors["end_date"] = _("A completed placement cannot end in the future.")
    span = (end - start).days + 1 if start and end and end >= start else None
    if hours is not None:
        if hours <= 0:
            errors["hours"] = _("Enter a positive number of hours.")
        elif span and hours > 24 * span:
            errors["hours"] = _("More than 24 hours a day: the period has only %(n)d days.", n=span)
        elif days is None and end:
            days = round_days(hours / Decimal(get_rule("practice_hours_per_day", end)))
    if days is None:
        errors.setdefault("days", _("Enter the practice days (or the hours)."))
    elif days <= 0:
        errors["days"] = _("Enter a positive number of days.")
    elif span and days > span:
        errors["days"] = _("%(days)s days do not fit in a period of %(n)d days.", days=days, n=span)
    if errors:
        raise ValidationFailed(errors)
    return {**data, "days": days, "hours": hours}


def overlapping(
    teacher: Teacher, start: date, end: date, exclude: int | None = None
) -> Placement | None:
    """A submitted or approved placement of `teacher` that shares a day with start–end."""
    query = select(Placement).where(
        Placement.teacher_id == teacher.id,
        Placement.status.in_(HOLDS_ITS_DAYS),
        Placement.start_date <= end,
        Placement.end_date >= start,
    )
    if exclude is not None:
        query = query.where(Placement.id != exclude)
    return db.session.scalars(query.order_by(Placement.start_date).limit(1)).first()


def _refuse_overlap(teacher: Teacher, start: date, end: date, exclude: int | None) -> None:
    other = overlapping(teacher, start, end, exclude)
    if other is not None:
        raise ValidationFailed(
            {
                "start_date": _(
                    "Overlaps your placement at %(enterprise)s (%(start)s to %(end)s).",
                    enterprise=other.enterprise.name,
                    start=other.start_date,
                    end=other.end_date,
                )
            }
        )


def save_draft(
    teacher: Teacher,
    enterprise: Enterprise,
    data: dict[str, Any],
    by: User,
    placement: Placement | None = None,
) -> Placement:
    """Create a draft, or change a draft or returned placement (its owner's working copy)."""
    if placement is not None and placement.status not in (S.DRAFT, S.RETURNED):
        raise Conflict(
            _("Only a draft or a returned placement can be edited."), status=placement.status
        )
    enterprise_id = enterprise.id  # read now: later it would flush the half-made draft
    # Practice is logged once done: a period still to come is refused now, not at submission.
    values = check_period({k: data.get(k) for k in FIELDS}, completed=True)
    _refuse_overlap(teacher, values["start_date"], values["end_date"], placement and placement.id)
    values["post"] = (values["post"] or "").strip()
    for key in ("mentor_name", "mentor_phone", "mentor_email", "description"):
        values[key] = (values.get(key) or "").strip()
    if placement is None:
        placement = Placement(teacher_id=teacher.id, created_by_id=by.id, status=S.DRAFT)
        placement.teacher = teacher
        db.session.add(placement)
        action = "create"
    else:
        action = "update"
    placement.enterprise = enterprise
    placement.enterprise_id = enterprise_id  # a column change the audit (and the reset) sees
    for key, value in values.items():
        setattr(placement, key, value)
    changes = audit.pending_changes(placement)
    db.session.flush()
    if changes:
        audit.record(action, placement, by=by, changes=changes)
    if placement.confirmed and changes.keys() & CONFIRMED_FACTS:
        # The enterprise confirmed other facts: it has to confirm again (a step of its own).
        WORKFLOW.transition(placement, "confirmation_reset", by)
    db.session.flush()
    return placement


# --- the transition table ---------------------------------------------------------------------


def _next(p: Placement) -> list[int]:
    """Whoever the placement now waits for (`waits.WAITS`)."""
    return WORKFLOW.next_people(p)


def _next_if_confirmed(p: Placement) -> list[int]:
    return _next(p) if p.confirmed else []


def _next_if_unconfirmed(p: Placement) -> list[int]:
    return [] if p.confirmed else _next(p)


def _link(p: Placement) -> str:
    return f"/placements/{p.id}"


def _about(p: Placement) -> dict[str, Any]:
    return {"teacher": p.teacher.name, "enterprise": p.enterprise.name, "reason": p.decision_note}


def _tell(kind: str, to: Any) -> list[Notice]:
    return [Notice(kind, to, _link, _about)]


# Who is told of each step: whoever it now waits for (HR once the enterprise has confirmed, the
# teacher while the mentor's link is to send), and the teacher of every decision.
HANDOVERS = {
    "submit": _tell("placement_submitted", _next_if_confirmed)
    + _tell("placement_to_confirm", _next_if_unconfirmed),
    "withdraw": _tell("placement_withdrawn", hr_of),
    "approve": _tell("placement_approved", teacher_of),
    "reject": _tell("placement_rejected", teacher_of),
    "return": _tell("placement_returned", teacher_of),
    "mentor_confirmed": _tell("placement_confirmed", _next)
    + _tell("placement_confirmed_yours", teacher_of),
    "mentor_declined": _tell("placement_declined", _next),
    "mentor_link_closed": _tell("mentor_link_closed", teacher_of),
}


def _check_submission(placement: Placement, _by: User | None, _reason: str) -> None:
    if not placement.evidence:
        raise ValidationFailed(
            {
                "evidence": _(
                    "Add at least one file of evidence (the agreement, an attendance sheet "
                    "or the assessment form) before submitting."
                )
            }
        )
    check_period({k: getattr(placement, k) for k in FIELDS}, completed=True)  # it must be over
    _refuse_overlap(placement.teacher, placement.start_date, placement.end_date, placement.id)


def _submitted(placement: Placement, _by: User | None, _reason: str) -> None:
    placement.submitted_at = utcnow()
    placement.decision_note = ""


def _check_approval(placement: Placement, _by: User | None, _reason: str) -> None:
    if not placement.confirmed:
        raise Conflict(
            _(
                "The enterprise has not confirmed this placement yet: send the mentor the "
                "confirmation link, or upload the enterprise's stamped assessment form."
            ),
            status=placement.status,
        )
    _refuse_overlap(placement.teacher, placement.start_date, placement.end_date, placement.id)


def _decided(placement: Placement, by: User | None, reason: str) -> None:
    placement.decided_at = utcnow()
    placement.decided_by_id = by.id if by else None
    placement.decision_note = reason


def _declined(placement: Placement, _by: User | None, reason: str, mentor: str = "") -> None:
    placement.confirmation = Confirmation.DECLINED
    placement.decline_reason = reason
    placement.confirmed_by = (mentor or "").strip()[:60]
    placement.decision_note = reason  # the mentor's reason, for the teacher to put right


# --- the enterprise's confirmation: a state within 已提交, taken and undone by steps ------------
CONFIRMED_FACTS = frozenset({"enterprise_id", "start_date", "end_date", "days"})


def _check_unconfirmed(placement: Placement) -> None:
    if placement.confirmed:
        raise Conflict(_("The enterprise has already confirmed this placement."),
                       status=placement.status)  # fmt: skip


def _check_mentor_confirmation(
    placement: Placement, _by: User | None, _reason: str, days: Decimal, mentor: str
) -> None:
    _check_unconfirmed(placement)
    if days is None or days <= 0 or days > placement.days:
        raise ValidationFailed(
            {"days": _("Confirm between 0.5 and %(days)s days.", days=placement.days)}
        )
    if not (mentor or "").strip():
        raise ValidationFailed({"mentor": _("Enter your name.")})


def _mentor_confirmed(
    placement: Placement, _by: User | None, _reason: str, days: Decimal, mentor: str
) -> None:
    placement.confirmation = Confirmation.MENTOR
    placement.confirmed_days = days
    placement.confirmed_at = utcnow()
    placement.confirmed_by = mentor.strip()[:60]
    if days < placement.days:
        placement.days = days  # what the enterprise confirms is what counts


def _check_upload(placement: Placement, _by: User | None, _reason: str, file: FileStorage) -> None:
    _check_unconfirmed(placement)


def _confirmed_by_upload(
    placement: Placement, by: User | None, _reason: str, file: FileStorage
) -> None:
    assert by is not None
    add_evidence(placement, EvidenceKind.ASSESSMENT, file, by)
    placement.confirmation = Confirmation.UPLOAD
    placement.confirmed_days = placement.days
    placement.confirmed_at = utcnow()
    placement.confirmed_by = by.display_name


def _hr_confirms(_by: User | None, _placement: Placement) -> str:
    return _("Only HR of the teacher's school can confirm this way.")


def _check_confirmed(placement: Placement, _by: User | None, _reason: str) -> None:
    if not placement.confirmed:
        raise Conflict(_("The enterprise has not confirmed this placement."),
                       status=placement.status)  # fmt: skip


def _confirmation_reset(placement: Placement, _by: User | None, _reason: str) -> None:
    placement.confirmation = Confirmation.NONE


def _announce_submitted(placement: Placement, by: User | None) -> None:
    # The mentor's link is made at once (`mentor` listens): one step, not two.
    submitted.send(placement, by=by)


WORKFLOW = Workflow(
    {
        (S.DRAFT, "submit"): Step(S.SUBMITTED, can_edit, guard=_check_submission,
                                  effect=_submitted, then=_announce_submitted),
        (S.RETURNED, "submit"): Step(S.SUBMITTED, can_edit, guard=_check_submission,
                                     effect=_submitted, then=_announce_submitted),
        # A draft nobody has seen is deleted (`delete_draft`), not withdrawn.
        (S.SUBMITTED, "withdraw"): Step(S.WITHDRAWN, can_edit),
        (S.RETURNED, "withdraw"): Step(S.WITHDRAWN, can_edit),
        (S.SUBMITTED, "approve"): Step(S.APPROVED, is_school_hr, guard=_check_approval,
                                       effect=_decided),
        (S.SUBMITTED, "reject"): Step(S.REJECTED, is_school_hr, needs_reason=True,
                                      effect=_decided),
        (S.SUBMITTED, "return"): Step(S.RETURNED, is_school_hr, needs_reason=True,
                                      effect=_decided),
        # The enterprise mentor declines through the link (no account): back to the teacher.
        (S.SUBMITTED, "mentor_declined"): Step(S.RETURNED, SYSTEM, needs_reason=True,
                                               effect=_declined),
        # The enterprise confirms through its mentor's link, or HR with its stamped form; an
        # edit of what it confirmed (a returned placement) undoes it.
        (S.SUBMITTED, "mentor_confirmed"): Step(S.SUBMITTED, SYSTEM,
                                                guard=_check_mentor_confirmation,
                                                effect=_mentor_confirmed),
        (S.SUBMITTED, "confirmed"): Step(S.SUBMITTED, is_school_hr, guard=_check_upload,
                                         effect=_confirmed_by_upload, denied=_hr_confirms),
        (S.RETURNED, "confirmation_reset"): Step(S.RETURNED, can_edit, guard=_check_confirmed,
                                                 effect=_confirmation_reset),
    },
    labels.STATUS,
    labels.ACTION,
    HANDOVERS,
    model=Placement,
    waits=WAITS,
)  # fmt: skip
ACTIONS = ("submit", "withdraw", "approve", "reject", "return")


def allowed_actions(placement: Placement, user: User) -> list[str]:
    """The steps `user` takes with a button (the confirmation's steps have their own pages)."""
    return [a for a in WORKFLOW.allowed_actions(placement, user) if a in ACTIONS]


def transition(placement: Placement, action: str, by: User | None, reason: str = "") -> Placement:
    return WORKFLOW.transition(placement, action, by, reason)


def delete_draft(placement: Placement, by: User) -> None:
    """The teacher (or HR logging for them) deletes a draft nobody else has seen."""
    lock(placement)  # a submission and a deletion at once: one wins
    if not can_edit(by, placement):
        raise PermissionDenied(_("Only the teacher or their school's HR deletes this draft."))
    if placement.status != S.DRAFT:
        raise Conflict(
            _("Only a draft can be deleted; withdraw a submitted placement instead."),
            status=placement.status,
        )
    audit.record("delete", placement, by=by, changes={"status": [placement.status, None]})
    db.session.delete(placement)
    db.session.flush()


def approve_many(ids: list[int], by: User) -> list[Outcome]:
    """HR approves several placements at once; each is checked (confirmed by the enterprise, no
    overlap), audited and its teacher told one by one, and a refusal stops only that one."""
    if not ids:
        raise ValidationFailed({"ids": _("Choose at least one record.")})
    chosen = db.session.scalars(
        visible_placements(by).where(Placement.id.in_(ids)).order_by(Placement.id)
    ).all()
    return decide_each(chosen, lambda p: transition(p, "approve", by))


# --- evidence and confirmation ----------------------------------------------------------------


def add_evidence(placement: Placement, kind: str, file: FileStorage, by: User) -> PlacementEvidence:
    if placement.status not in (S.DRAFT, S.RETURNED, S.SUBMITTED):
        raise Conflict(
            _("Evidence can no longer be added to this placement."), status=placement.status
        )
    try:
        upload = save_upload(file, by)
    except ValueError as err:
        raise ValidationFailed({"file": str(err)}) from None
    item = PlacementEvidence(placement=placement, kind=EvidenceKind(kind), upload_id=upload.id)
    db.session.add(item)
    db.session.flush()
    audit.record(
        "evidence_added",
        placement,
        by=by,
        changes={"evidence": [None, f"{kind}: {upload.original_name}"]},
    )
    return item


def remove_evidence(item: PlacementEvidence, by: User) -> None:
    """Take back a file uploaded by mistake, while the placement is the teacher's to change
    (a draft, or returned): once submitted, the evidence is what the enterprise and HR read."""
    placement = item.placement
    if not can_edit(by, placement):
        raise PermissionDenied(_("Only the teacher or their school's HR removes evidence."))
    lock(placement)
    if placement.status not in (S.DRAFT, S.RETURNED):
        raise Conflict(
            _("Evidence can no longer be removed: the placement is “%(status)s”.",
              status=labels.STATUS[placement.status]),
            status=placement.status,
        )  # fmt: skip
    what = f"{item.kind}: {item.upload.original_name}"
    db.session.delete(item)
    db.session.flush()
    audit.record("evidence_removed", placement, by=by, changes={"evidence": [what, None]})


def confirm_by_upload(placement: Placement, file: FileStorage, by: User) -> None:
    """HR confirms for the enterprise with its stamped assessment form (a workflow step)."""
    WORKFLOW.transition(placement, "confirmed", by, file=file)


CORRECTABLE = ("post", "form", "start_date", "end_date", "days", "hours", "description")


def correct_approved(
    placement: Placement, data: dict[str, Any], reason: str, by: User
) -> PlacementRevision:
    """A correction of an approved placement: a numbered, audited revision with a reason."""
    if placement.status != S.APPROVED:
        raise Conflict(
            _("Only approved placements are corrected this way."), status=placement.status
        )
    if not is_school_hr(by, placement):
        raise PermissionDenied(_("Only HR of the teacher's school can correct a placement."))
    if not (reason or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    values = check_period(
        {
            **{k: getattr(placement, k) for k in FIELDS},
            **{k: data[k] for k in CORRECTABLE if k in data},
        },
        completed=True,
    )
    values["description"] = values.get("description") or ""  # the API may send null
    _refuse_overlap(placement.teacher, values["start_date"], values["end_date"], placement.id)
    for key in CORRECTABLE:
        setattr(placement, key, values[key])
    changes = audit.pending_changes(placement)
    if not changes:
        raise ValidationFailed({"reason": _("Nothing was changed.")})
    placement.revision += 1
    revision = PlacementRevision(
        placement=placement,
        number=placement.revision,
        reason=reason.strip(),
        changes=changes,
        by_id=by.id,
    )
    db.session.add(revision)
    audit.record("corrected", placement, by=by, changes=changes, note=reason)
    db.session.flush()
    return revision

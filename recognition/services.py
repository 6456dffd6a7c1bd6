"""Recognition services: who decides, the dual-qualified workflow, certificates, and ethics."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, select
from werkzeug.datastructures import FileStorage

from core import audit, handover
from core.bulk import Outcome, decide_each
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import Notice, announce
from core.models import Role, User
from core.permissions import in_school_scope, school_scope
from core.rules import get_rule
from core.timeutil import today, years_later
from core.uploads import save_upload
from core.workflow import lock
from teachers.appointments.models import Appointment
from teachers.models import Teacher, TeacherStatus

from . import dual
from .labels import TIER as TIER_LABELS
from .models import EthicsResult, Kind, Recognition, Status

S = Status


def visible(user: User) -> Select[tuple[Recognition]]:
    query = select(Recognition).join(Teacher, Recognition.teacher_id == Teacher.id)
    if user.role == Role.TEACHER:
        return query.where(Teacher.user_id == user.id)
    return query.where(school_scope(user, Teacher.school_id))


def can_view(user: User, r: Recognition) -> bool:
    if user.role == Role.TEACHER:
        return r.teacher.user_id == user.id
    return user.role in (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN) and in_school_scope(
        user, r.teacher.school
    )


def is_bureau_for(user: User, r: Recognition) -> bool:
    return (
        user.role == Role.BUREAU
        and in_school_scope(user, r.teacher.school)
        and r.teacher.user_id != user.id
    )


def is_hr_for(user: User, r: Recognition) -> bool:
    return user.role == Role.SCHOOL_HR and user.school_id == r.teacher.school_id


def _issue_certificate(r: Recognition, by: User) -> None:
    on = today()
    r.status = S.CONFIRMED
    r.confirmed_on = on
    r.decided_by_id = by.id
    prefix = "WZD" if r.kind == Kind.D_CLASS else "WZSS"
    r.certificate_no = f"{prefix}{on.year}{r.id:06d}"
    r.verification_code = secrets.token_hex(5).upper()
    if r.kind == Kind.DUAL_QUALIFIED:
        years = get_rule("dual_qualified_recheck_years", on)
        r.recheck_due = years_later(on, years)


# --- the bureau's decision (both kinds) -------------------------------------------------------


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


def _notice(kind: str, to: Any) -> Notice:
    return Notice(kind, to, _link, _about)


# Who is told of each step of a recognition: the school of an application, the bureau of what it
# decides, the teacher (and their school) of every decision.
HANDOVERS = {
    "proposed": [_notice("d_class_proposed", _bureau)],
    "d_class_confirmed": [_notice("d_class_confirmed", lambda r: _teacher(r) + _hr(r))],
    "applied": [_notice("dual_applied", _hr)],
    "withdrawn": [_notice("dual_withdrawn", _hr)],
    "school_passed": [_notice("dual_school_passed", lambda r: _bureau(r) + _teacher(r))],
    "school_returned": [_notice("dual_returned", _teacher)],
    "notice": [_notice("dual_in_notice", lambda r: _teacher(r) + _hr(r))],
    "rejected": [_notice("recognition_rejected", lambda r: _teacher(r) + _hr(r))],
    "recognised": [_notice("dual_recognised", lambda r: _teacher(r) + _hr(r))],
}


def confirm(r: Recognition, by: User) -> Recognition:
    """D-class: confirm a pending recognition. Dual-qualified: approve into the notice period."""
    lock(r)  # one decision wins when two arrive at once
    if not is_bureau_for(by, r):
        raise PermissionDenied(_("Only the bureau responsible for the teacher's school decides."))
    before = r.status
    if r.kind == Kind.D_CLASS:
        if r.status != S.PENDING:
            raise Conflict(_("Only a pending recognition can be confirmed."), status=r.status)
        _issue_certificate(r, by)
    else:
        if r.status != S.SCHOOL_PASSED:
            raise Conflict(_("The school has not passed this application yet."), status=r.status)
        r.status = S.NOTICE
        r.notice_until = add_working_days(today(), get_rule("recognition_notice_working_days"))
        r.decided_by_id = by.id
    audit.record("recognition_confirmed", r, by=by, changes={"status": [before, r.status]})
    announce(HANDOVERS, r, "d_class_confirmed" if r.kind == Kind.D_CLASS else "notice", by)
    db.session.flush()
    return r


def decide_many(ids: list[int], action: str, reason: str, by: User) -> list[Outcome]:
    """The bureau confirms or rejects many cases at once (one reason for all rejections); each
    is checked, audited and told one by one, and a refusal stops only that one."""
    if action not in ("confirm", "reject"):
        raise ValidationFailed({"action": _("Choose confirm or reject.")})
    if not ids:
        raise ValidationFailed({"ids": _("Choose at least one record.")})
    if action == "reject" and not (reason or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    records = db.session.scalars(
        visible(by).where(Recognition.id.in_(ids)).order_by(Recognition.id)
    ).all()
    if action == "confirm":
        return decide_each(records, lambda r: confirm(r, by))
    return decide_each(records, lambda r: reject(r, reason, by))


def reject(r: Recognition, reason: str, by: User) -> Recognition:
    lock(r)  # one decision wins when two arrive at once
    if not is_bureau_for(by, r):
        raise PermissionDenied(_("Only the bureau responsible for the teacher's school decides."))
    if r.status not in (S.PENDING, S.SCHOOL_PASSED, S.NOTICE):
        raise Conflict(_("This recognition is not waiting for a decision."), status=r.status)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    before = r.status
    r.status, r.decision_note, r.decided_by_id = S.REJECTED, reason.strip(), by.id
    audit.record(
        "recognition_rejected", r, by=by, changes={"status": [before, r.status]}, note=reason
    )
    announce(HANDOVERS, r, "rejected", by)
    db.session.flush()
    return r


# --- dual-qualified ---------------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def eligible_for_dual(teacher: Teacher, on: date) -> bool:
    """Professional teachers, and formally appointed part-time teachers (by name and school)."""
    if teacher.professional and teacher.status == TeacherStatus.ACTIVE:
        return True
    return (
        db.session.scalar(
            select(Appointment.id).where(
                Appointment.school_id == teacher.school_id,
                Appointment.name == teacher.name,
                Appointment.status == "approved",
                Appointment.term_start <= on,
                Appointment.term_end >= on,
            )
        )
        is not None
    )


def barred_until(teacher: Teacher, on: date) -> date | None:
    return db.session.scalar(
        select(EthicsResult.penalty_until)
        .where(
            EthicsResult.teacher_id == teacher.id,
            EthicsResult.passed.is_(False),
            EthicsResult.penalty_until >= on,
        )
        .order_by(EthicsResult.penalty_until.desc())
        .limit(1)
    )


OPEN_APPLICATION = (S.APPLIED, S.RETURNED, S.SCHOOL_PASSED, S.NOTICE)


def open_application(teacher: Teacher) -> Recognition | None:
    """The teacher's dual-qualified application still in progress (there is at most one)."""
    return db.session.scalars(
        select(Recognition).where(
            Recognition.kind == Kind.DUAL_QUALIFIED,
            Recognition.teacher_id == teacher.id,
            Recognition.status.in_(OPEN_APPLICATION),
        )
    ).first()


def apply(
    teacher: Teacher,
    tier: str,
    by: User,
    note: str = "",
    extra: FileStorage | None = None,
) -> Recognition:
    """A teacher applies for a tier. Where the recorded evidence falls short of the tier, the
    teacher explains (and may attach what the records lack); the school sees the gap."""
    if teacher.user_id != by.id:
        raise PermissionDenied(_("Teachers apply for themselves."))
    on = today()
    if tier not in dual.TIERS:
        raise ValidationFailed({"tier": _("Choose a tier.")})
    if not eligible_for_dual(teacher, on):
        raise ValidationFailed(
            {"tier": _("Only professional teachers (or appointed part-time teachers) apply.")}
        )
    until = barred_until(teacher, on)
    if until:
        raise Conflict(
            _("After the ethics assessment, applications are barred until %(d)s.", d=until)
        )
    lock(teacher)  # two applications sent at once: one is made
    open_one = open_application(teacher)
    if open_one:
        raise Conflict(
            _(
                "You already have an application in progress (%(tier)s). Withdraw it before "
                "applying again.",
                tier=TIER_LABELS.get(open_one.tier, ""),
            )
        )
    evidence = dual.gather(teacher, on)
    gap = [c["criterion"] for c in dual.assess(evidence, tier, on) if not c["met"]]
    note = (note or "").strip()
    if gap and not note:
        raise ValidationFailed(
            {
                "note": _(
                    "Your records do not yet meet this tier: explain what they lack and attach "
                    "what shows it. The school will see the gap."
                )
            }
        )
    upload = save_upload(extra, by) if extra and extra.filename else None
    r = Recognition(
        kind=Kind.DUAL_QUALIFIED,
        teacher_id=teacher.id,
        status=S.APPLIED,
        tier=tier,
        evidence={
            **evidence,
            "supported": dual.highest_supported(evidence, on),
            "gap": gap,
            "note": note[:2000],
            "extra_upload_id": upload.id if upload else None,
        },
    )
    db.session.add(r)
    db.session.flush()
    audit.record("recognition_applied", r, by=by, changes={"tier": [None, tier]})
    announce(HANDOVERS, r, "applied", by)
    return r


def withdraw(r: Recognition, by: User) -> None:
    """The teacher takes back an application the school has not decided on yet."""
    lock(r)  # one decision wins when two arrive at once
    if r.kind != Kind.DUAL_QUALIFIED or r.teacher.user_id != by.id:
        raise PermissionDenied(_("Only the teacher who applied withdraws the application."))
    if r.status not in (S.APPLIED, S.RETURNED):
        raise Conflict(
            _("The school has already decided: the application can no longer be withdrawn."),
            status=r.status,
        )
    before = r.status
    r.status = S.CANCELLED
    audit.record("withdraw", r, by=by, changes={"status": [before, r.status]})
    announce(HANDOVERS, r, "withdrawn", by)
    db.session.flush()


def school_review(r: Recognition, passed: bool, comment: str, by: User) -> None:
    lock(r)  # one decision wins when two arrive at once
    if not is_hr_for(by, r):
        raise PermissionDenied(_("HR of the teacher's school reviews the application."))
    if r.status != S.APPLIED:
        raise Conflict(_("This application is not waiting for the school."), status=r.status)
    if not passed and not (comment or "").strip():
        raise ValidationFailed({"reason": _("Give a reason.")})
    before = r.status
    r.status = S.SCHOOL_PASSED if passed else S.RETURNED
    r.decision_note = (comment or "").strip()
    audit.record("school_review", r, by=by, changes={"status": [before, r.status]}, note=comment)
    announce(HANDOVERS, r, "school_passed" if passed else "school_returned", by)
    db.session.flush()


def resubmit(r: Recognition, by: User) -> None:
    lock(r)  # one decision wins when two arrive at once
    if r.teacher.user_id != by.id or r.status != S.RETURNED:
        raise Conflict(
            _("Only a returned application is resubmitted, by its teacher."), status=r.status
        )
    evidence = dual.gather(r.teacher, today())
    r.evidence = {**evidence, "supported": dual.highest_supported(evidence)}
    r.status = S.APPLIED
    audit.record("recognition_resubmitted", r, by=by)
    announce(HANDOVERS, r, "applied", by)
    db.session.flush()


def record_objection(r: Recognition, text: str, by: User) -> None:
    if not is_bureau_for(by, r):
        raise PermissionDenied(_("Only the bureau responsible for the teacher's school decides."))
    if r.status != S.NOTICE:
        raise Conflict(_("Objections are recorded during the notice period."), status=r.status)
    if not (text or "").strip():
        raise ValidationFailed({"objection": _("Write the objection.")})
    r.objections = [*r.objections, {"at": today().isoformat(), "text": text.strip()}]
    audit.record("objection_recorded", r, by=by, note=text)
    db.session.flush()


def finalize(r: Recognition, by: User) -> None:
    """After the notice period: recognised, with a certificate and a recheck date."""
    lock(r)  # one decision wins when two arrive at once
    if not is_bureau_for(by, r):
        raise PermissionDenied(_("Only the bureau responsible for the teacher's school decides."))
    if r.status != S.NOTICE:
        raise Conflict(_("This application is not in its notice period."), status=r.status)
    if today() <= r.notice_until:
        raise Conflict(_("The notice period runs until %(d)s.", d=r.notice_until), status=r.status)
    _issue_certificate(r, by)
    audit.record("recognised", r, by=by, changes={"status": ["notice", "confirmed"]})
    announce(HANDOVERS, r, "recognised", by)
    db.session.flush()


# --- ethics -----------------------------------------------------------------------------------


def record_ethics(
    teacher: Teacher, year: int, passed: bool, penalty_until: date | None, note: str, by: User
) -> EthicsResult:
    if not (by.role == Role.SCHOOL_HR and by.school_id == teacher.school_id):
        raise PermissionDenied(_("HR of the teacher's school records the ethics assessment."))
    if not passed and penalty_until is None:
        raise ValidationFailed({"penalty_until": _("Give the end of the penalty period.")})
    row = db.session.scalar(
        select(EthicsResult).where(EthicsResult.teacher_id == teacher.id, EthicsResult.year == year)
    )
    if row is None:
        row = EthicsResult(teacher_id=teacher.id, year=year, passed=passed)
        db.session.add(row)
    row.passed, row.penalty_until, row.note, row.recorded_by_id = (
        passed,
        penalty_until,
        note.strip(),
        by.id,
    )
    db.session.flush()
    audit.record(
        "ethics_recorded",
        teacher,
        by=by,
        changes={f"ethics_{year}": [None, "pass" if passed else "fail"]},
    )
    if not passed:
        for r in db.session.scalars(
            select(Recognition).where(
                Recognition.teacher_id == teacher.id,
                Recognition.kind == Kind.DUAL_QUALIFIED,
                Recognition.status.in_([S.CONFIRMED, S.NOTICE, S.SCHOOL_PASSED, S.APPLIED]),
            )
        ):
            before = r.status
            r.status = S.REVOKED
            r.decision_note = _("Revoked: teacher-ethics assessment %(year)d failed.", year=year)
            audit.record(
                "recognition_revoked", r, by=by, changes={"status": [before, r.status]}, note=note
            )
    db.session.flush()
    return row


# What a certificate's verify page may show: a certificate once issued stays answerable after it
# is revoked or withdrawn, so whoever scans it learns it no longer holds.
ISSUED = (S.CONFIRMED, S.REVOKED, S.WITHDRAWN)


def by_code(code: str) -> Recognition | None:
    """The recognition whose certificate carries this verification code (issued, even if it was
    revoked or withdrawn since), or None."""
    return db.session.scalar(
        select(Recognition).where(
            Recognition.verification_code == (code or "").upper(),
            Recognition.status.in_(ISSUED),
            Recognition.certificate_no.is_not(None),
        )
    )

"""Recognition services: who decides, the dual-qualified workflow, certificates, and ethics."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import Select, select
from werkzeug.datastructures import FileStorage

from core import audit
from core.bulk import Outcome, decide_each
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import announce
from core.models import Role, User
from core.permissions import in_school_scope, school_scope
from core.timeutil import today
from core.uploads import save_upload
from core.workflow import lock
from teachers.appointments.models import Appointment
from teachers.models import Teacher, TeacherStatus

from . import dual
from .labels import TIER as TIER_LABELS
from .models import EthicsResult, Kind, Recognition, Status
from .workflow import HANDOVERS, RECOGNITION

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


def transition(r: Recognition, action: str, by: User | None, reason: str = "") -> Recognition:
    """Every state change of a recognition: one step of `RECOGNITION` (recognition.workflow)."""
    return RECOGNITION.transition(r, action, by, reason)


def confirm(r: Recognition, by: User) -> Recognition:
    """D-class: confirm a pending recognition. Dual-qualified: approve into the notice period."""
    return transition(r, "confirm", by)


def reject(r: Recognition, reason: str, by: User) -> Recognition:
    return transition(r, "reject", by, reason)


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
    return decide_each(records, lambda r: transition(r, action, by, reason))


# --- dual-qualified ---------------------------------------------------------------------------


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
    transition(r, "withdraw", by)


def school_review(r: Recognition, passed: bool, comment: str, by: User) -> None:
    transition(r, "pass" if passed else "return", by, comment)


def resubmit(r: Recognition, by: User) -> None:
    transition(r, "resubmit", by)


def record_objection(r: Recognition, text: str, by: User) -> None:
    transition(r, "object", by, text)


def finalize(r: Recognition, by: User) -> None:
    """After the notice period: recognised, with a certificate and a recheck date."""
    transition(r, "finalize", by)


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
            reason = _("Revoked: teacher-ethics assessment %(year)d failed.", year=year)
            transition(r, "revoke", by, reason)
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

"""Appointment services: eligibility, drafts, the transition table and the cap.

The cap is checked at approval with the school's row locked (SELECT … FOR UPDATE on
PostgreSQL; on SQLite the write transaction began IMMEDIATE), so two approvers of the last free
place cannot both succeed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core import audit, handover
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import Notice
from core.models import Role, School, User
from core.permissions import in_school_scope, reaches_whole_city, school_scope
from core.rules import get_rule
from core.timeutil import today, utcnow, years_later
from core.uploads import save_upload
from core.workflow import SYSTEM, Step, Workflow
from teachers.models import Teacher
from teachers.queries import active_professional_on

from . import labels
from .capacity import cap_for, holding_a_place
from .models import (
    Appointment,
    AppointmentStatus,
    CountyPartTimePolicy,
    Qualification,
)
from .waits import WAITS, no_colleague, proposer_gone

S = AppointmentStatus
Q = Qualification
TITLE_RANK = [Q.TITLE_JUNIOR, Q.TITLE_INTERMEDIATE, Q.TITLE_ASSOCIATE_SENIOR, Q.TITLE_SENIOR]
SKILL_RANK = [Q.SKILL_5, Q.SKILL_4, Q.SKILL_3, Q.SKILL_2, Q.SKILL_1]

FIELDS = (
    "name",
    "gender",
    "birth_date",
    "phone",
    "employer",
    "position",
    "qualification",
    "field",
    "exemption",
    "exemption_reason",
    "courses",
    "hours_per_week",
    "term_start",
    "term_end",
    "pay_grade",
    "hourly_rate",
)


# --- eligibility ------------------------------------------------------------------------------


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def eligibility_problems(data: dict[str, Any]) -> list[str]:
    """What keeps the person from the usual rules (title or skill level, age), by the rule
    versions in force at the term's start; empty when eligible."""
    on = data["term_start"]
    problems = []
    qualification = Q(data["qualification"])
    min_title = Q(get_rule("part_time_min_title", on))
    min_skill = Q(get_rule("part_time_min_skill_level", on))
    titled = qualification in TITLE_RANK and TITLE_RANK.index(qualification) >= TITLE_RANK.index(
        min_title
    )
    skilled = qualification in SKILL_RANK and SKILL_RANK.index(qualification) >= SKILL_RANK.index(
        min_skill
    )
    if not (titled or skilled):
        problems.append(
            _("Needs a title of at least “%(title)s” or a skill level of at least “%(skill)s”.",
              title=labels.QUALIFICATION[min_title], skill=labels.QUALIFICATION[min_skill])
        )  # fmt: skip
    max_age = get_rule("part_time_max_age", on)
    if age_on(data["birth_date"], on) >= max_age:
        problems.append(
            _(
                "Is %(age)d at the start of the term; the limit is under %(limit)d.",
                age=age_on(data["birth_date"], on),
                limit=max_age,
            )
        )
    return problems


def check(data: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    start, end = data.get("term_start"), data.get("term_end")
    if start and end:
        if end < start:
            errors["term_end"] = _("The term ends before it starts.")
        else:
            years = get_rule("part_time_max_term_years", start)
            anniversary = years_later(start, years)
            # The term ends the day before its anniversary; 29 February's falls on 1 March of a
            # common year, so its eve is the 28 February `years_later` gives.
            limit = anniversary - timedelta(days=1) if anniversary.day == start.day else anniversary
            if end > limit:
                errors["term_end"] = _(
                    "A term lasts at most %(n)d years (until %(d)s).", n=years, d=limit
                )
    hours = Decimal(str(data.get("hours_per_week") or 0))
    if not Decimal(0) < hours <= 40:
        errors["hours_per_week"] = _("Enter between 0.5 and 40 hours a week.")
    rate = Decimal(str(data.get("hourly_rate") or 0))
    if not Decimal(0) < rate <= 2000:
        errors["hourly_rate"] = _("Enter an hourly rate between 0.01 and 2,000 yuan.")
    birth = data.get("birth_date")
    if birth and start and not 18 <= age_on(birth, start) <= 90:
        errors["birth_date"] = _("Check the birth date.")
    if errors:
        raise ValidationFailed(errors)
    data = {**data, "exemption_reason": (data.get("exemption_reason") or "").strip()}
    problems = eligibility_problems(data)
    if data.get("exemption") and not data["exemption_reason"]:
        raise ValidationFailed({"exemption_reason": _("Give the reason for the exemption.")})
    if problems and not data.get("exemption"):
        raise ValidationFailed(
            {
                "qualification": " ".join(problems)
                + " "
                + _(
                    "Only a master craftsperson may be appointed anyway: "
                    "tick the exemption and give the reason."
                )
            }
        )
    if not problems:
        data["exemption"], data["exemption_reason"] = False, ""
    return data


# --- who may do what --------------------------------------------------------------------------


def is_school_hr(user: User, appointment: Appointment) -> bool:
    return user.role == Role.SCHOOL_HR and user.school_id == appointment.school_id


def is_second_hr(user: User, appointment: Appointment) -> bool:
    """The approver: HR of the school, but never the one who proposed. A school with no HR
    account besides the proposer's has no second HR: its county or city bureau, or an
    administrator, approves."""
    if appointment.proposed_by_id == user.id:
        return False
    if is_school_hr(user, appointment):
        return True
    stands_in = user.role == Role.ADMIN or is_county_bureau(user, appointment)
    return stands_in and no_colleague(appointment)


def is_county_bureau(user: User, appointment: Appointment) -> bool:
    """The bureau that takes the school's bureau step: its county's, or the city's where the
    county has no bureau account (never both: see `handover.answering_bureau`)."""
    return user.role == Role.BUREAU and user.id in handover.answering_bureau(appointment.school_id)


def is_proposer(user: User, appointment: Appointment) -> bool:
    """Who submits a draft: the HR who proposed it, or any HR of the school once the proposer
    is no longer one of them (a draft is not left without anyone to send it)."""
    if not is_school_hr(user, appointment):
        return False
    return appointment.proposed_by_id == user.id or proposer_gone(appointment)


def can_view(user: User, appointment: Appointment) -> bool:
    return user.role != Role.TEACHER and in_school_scope(user, appointment.school)


def visible(user: User):  # type: ignore[no-untyped-def]
    if user.role == Role.TEACHER:
        return select(Appointment).where(False)
    return select(Appointment).where(school_scope(user, Appointment.school_id))


# --- drafts -----------------------------------------------------------------------------------


def save_draft(
    school: School, data: dict[str, Any], by: User, appointment: Appointment | None = None
) -> Appointment:
    if by.role != Role.SCHOOL_HR or by.school_id != school.id:
        raise PermissionDenied(_("Only HR of the school proposes its part-time teachers."))
    if appointment is not None and appointment.status != S.DRAFT:
        raise Conflict(_("Only a draft can be edited."), status=appointment.status)
    values = check({k: data.get(k) for k in FIELDS})
    for key in ("name", "employer", "position", "field", "phone", "pay_grade", "courses"):
        values[key] = (values.get(key) or "").strip()
    if appointment is None:
        appointment = Appointment(school_id=school.id, proposed_by_id=by.id, status=S.DRAFT)
        db.session.add(appointment)
        action = "create"
    else:
        action = "update"
    for key, value in values.items():
        setattr(appointment, key, value)
    changes = audit.pending_changes(appointment)
    db.session.flush()
    if changes:
        audit.record(action, appointment, by=by, changes=changes)
    return appointment


def attach_agreement(appointment: Appointment, file: FileStorage, by: User) -> None:
    if not is_school_hr(by, appointment):
        raise PermissionDenied(_("Only HR of the school can do this."))
    if appointment.status not in (S.DRAFT, S.SUBMITTED):
        raise Conflict(_("The agreement can no longer be replaced."), status=appointment.status)
    try:
        upload = save_upload(file, by, kinds=("pdf",))
    except ValueError as err:
        raise ValidationFailed({"agreement": str(err)}) from None
    appointment.agreement_id = upload.id
    audit.record_changes("agreement_attached", appointment, by=by)


def renew(previous: Appointment, by: User) -> Appointment:
    """A new draft for the same person and teaching, starting the day after the old term."""
    if not is_school_hr(by, previous):
        raise PermissionDenied(_("Only HR of the school can do this."))
    if previous.status not in (S.APPROVED, S.ENDED):
        raise Conflict(
            _("Only an approved or ended appointment can be renewed."), status=previous.status
        )
    start = previous.term_end + timedelta(days=1)
    length = previous.term_end - previous.term_start
    data = {k: getattr(previous, k) for k in FIELDS}
    data.update(term_start=start, term_end=start + length)
    renewal = save_draft(previous.school, data, by)
    renewal.previous_id = previous.id
    audit.record("renewed", previous, by=by, changes={"renewal": [None, renewal.id]})
    db.session.flush()
    return renewal


# --- the transition table ---------------------------------------------------------------------


def _about(a: Appointment) -> dict[str, Any]:
    return {"name": a.name, "school": a.school.name, "reason": a.decision_note}


def _link(a: Appointment) -> str:
    return f"/appointments/{a.id}"


def _school_if_approved(a: Appointment) -> list[int | None]:
    return [a.proposed_by_id, *handover.school_hr(a.school_id)] if a.status == S.APPROVED else []


def _next(a: Appointment) -> list[int]:
    """Whoever the appointment now waits for (`waits.WAITS`)."""
    return WORKFLOW.next_people(a)


# Who is told of each step: the second HR approver of a proposal, the bureau when the county
# wants its approval, the proposer of every decision.
HANDOVERS = {
    "submit": [Notice("appointment_submitted", lambda a: [] if no_colleague(a) else _next(a),
                      _link, _about),
               Notice("appointment_stand_in", lambda a: _next(a) if no_colleague(a) else [],
                      _link, _about)],
    "approve": [Notice("appointment_needs_bureau", _next, _link, _about),
                Notice("appointment_approved", _school_if_approved, _link, _about)],
    "reject": [Notice("appointment_rejected", lambda a: [a.proposed_by_id], _link, _about)],
    "terminate": [Notice("appointment_terminated", lambda a: handover.school_hr(a.school_id),
                         _link, _about)],
}  # fmt: skip


def _check_agreement(appointment: Appointment, _by: User | None, _reason: str) -> None:
    if appointment.agreement_id is None:
        raise ValidationFailed({"agreement": _("Upload the signed agreement (PDF) first.")})


def _check_approval(appointment: Appointment, _by: User | None, _reason: str) -> None:
    if appointment.term_end < today():
        raise Conflict(
            _("This proposal has expired: its term ended on %(d)s.", d=appointment.term_end),
            status=appointment.status,
        )
    check_cap(appointment)


def _approved(appointment: Appointment, by: User | None, _reason: str) -> str:
    """Approved, or on to the county bureau where its policy asks for its approval too (the
    county bureau standing in as second approver gives it at once)."""
    bureau = by is not None and is_county_bureau(by, appointment)
    first = appointment.status == S.SUBMITTED
    target = S.PENDING_BUREAU if first and needs_bureau(appointment) and not bureau else S.APPROVED
    if target == S.APPROVED:
        appointment.approved_at = utcnow()
    if target == S.APPROVED and (not first or bureau):
        appointment.bureau_approved_by_id = by.id if by else None
    else:
        appointment.approved_by_id = by.id if by else None
    return target


def _rejected(appointment: Appointment, _by: User | None, reason: str) -> None:
    appointment.decision_note = reason


def not_begun(appointment: Appointment) -> bool:
    """An approved term still to come: ending it cancels it, freeing its place entirely."""
    return today() < appointment.term_start


def _check_termination(
    appointment: Appointment, _by: User | None, _reason: str, terminated_on: date | None = None
) -> None:
    if not_begun(appointment):
        return  # not begun: it is cancelled, whatever the date given (see `_terminated`)
    on = terminated_on or today()
    if not appointment.term_start <= on <= appointment.term_end:
        raise ValidationFailed(
            {
                "terminated_on": _(
                    "Choose a date within the term (%(a)s to %(b)s).",
                    a=appointment.term_start,
                    b=appointment.term_end,
                )
            }
        )


def _terminated(
    appointment: Appointment, _by: User | None, reason: str, terminated_on: date | None = None
) -> None:
    if not_begun(appointment):
        # Cancelled before it began: it ends the day before its first, so it never held a place.
        appointment.terminated_on = appointment.term_start - timedelta(days=1)
    else:
        appointment.terminated_on = terminated_on or today()
    appointment.termination_reason = reason


def _check_ended(appointment: Appointment, _by: User | None, _reason: str) -> None:
    if appointment.term_end >= today():
        raise Conflict(_("The term has not ended yet."), status=appointment.status)


def _proposer(by: User | None, appointment: Appointment) -> str | None:
    if by is not None and appointment.proposed_by_id == by.id:
        return _("A second HR colleague must approve what you proposed.")
    return None


WORKFLOW = Workflow(
    {
        (S.DRAFT, "submit"): Step(S.SUBMITTED, is_proposer, guard=_check_agreement),
        (S.SUBMITTED, "approve"): Step(S.APPROVED, is_second_hr, guard=_check_approval,
                                       effect=_approved, denied=_proposer),
        (S.SUBMITTED, "reject"): Step(S.REJECTED, is_second_hr, needs_reason=True,
                                      effect=_rejected, denied=_proposer),
        (S.PENDING_BUREAU, "approve"): Step(S.APPROVED, is_county_bureau, guard=_check_approval,
                                            effect=_approved),
        (S.PENDING_BUREAU, "reject"): Step(S.REJECTED, is_county_bureau, needs_reason=True,
                                           effect=_rejected),
        (S.APPROVED, "terminate"): Step(S.TERMINATED, is_school_hr, needs_reason=True,
                                        guard=_check_termination, effect=_terminated),
        # The daily job: a term past its end (its place stays counted on the days it held).
        (S.APPROVED, "end"): Step(S.ENDED, SYSTEM, guard=_check_ended, audit_as="ended"),
    },
    labels.STATUS,
    labels.ACTION,
    HANDOVERS,
    model=Appointment,
    waits=WAITS,
)  # fmt: skip
ACTIONS = ("submit", "approve", "reject", "terminate")


def allowed_actions(appointment: Appointment, user: User) -> list[str]:
    return WORKFLOW.allowed_actions(appointment, user)


def needs_bureau(appointment: Appointment) -> bool:
    return bool(
        db.session.scalar(
            select(CountyPartTimePolicy.bureau_approval).where(
                CountyPartTimePolicy.county_id == appointment.school.county_id
            )
        )
    )


def transition(
    appointment: Appointment,
    action: str,
    by: User | None,
    reason: str = "",
    on: date | None = None,
) -> Appointment:
    return WORKFLOW.transition(
        appointment, action, by, reason, **({"terminated_on": on} if on else {})
    )


class CapExceeded(Conflict):
    code = "cap_exceeded"


def overlapping_places(appointment: Appointment) -> list[Appointment]:
    """Appointments of the school holding a place on any day of `appointment`'s term."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(
                Appointment.school_id == appointment.school_id,
                Appointment.id != appointment.id,
                *holding_a_place(appointment.term_start, appointment.term_end),
            )
            .order_by(Appointment.term_end)
        )
    )


def professional_teachers(school_id: int, on: date | None = None) -> int:
    """Professional teachers in post at the school on `on` (today): the cap's base."""
    return db.session.scalar(
        select(func.count())
        .select_from(Teacher)
        .where(Teacher.school_id == school_id, active_professional_on(on or today()))
    )


def percent(ratio: Decimal) -> str:
    """0.30 → "30", 0.275 → "27.5" (never "3E+1")."""
    text = f"{ratio * 100:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def check_cap(appointment: Appointment) -> None:
    """Refuse when one more would pass the cap. Locks the school first, so the count cannot
    change before this transaction commits."""
    db.session.execute(
        select(School.id).where(School.id == appointment.school_id).with_for_update()
    )
    problem = cap_refusal(appointment)
    if problem is not None:
        raise CapExceeded(problem.message, **problem.extra)


@dataclass(frozen=True)
class CapProblem:
    """Why approving would pass the cap, as a page shows it before anyone presses the button
    (not an exception: only a refused step makes one, and a refusal rolls its request back)."""

    message: str
    extra: dict[str, Any]


def cap_refusal(appointment: Appointment) -> CapProblem | None:
    """Why approving `appointment` would pass the cap during its term (None when it fits)."""
    teachers = professional_teachers(appointment.school_id)
    cap = cap_for(teachers)
    holding = overlapping_places(appointment)
    if len(holding) + 1 > cap:
        return CapProblem(
            _(
                "The school may have at most %(cap)d part-time teachers (%(ratio)s%% of %(n)d "
                "professional teachers); %(used)d places are taken during this term.",
                cap=cap,
                ratio=percent(get_rule("part_time_cap_ratio")),
                n=teachers,
                used=len(holding),
            ),
            {
                "cap": cap,
                "active": len(holding),
                "professional_teachers": teachers,
                "frees_up": [
                    {"id": a.id, "name": a.name, "until": a.last_day.isoformat()}
                    for a in holding[:5]
                ],
            },
        )
    return None


# --- county policy ----------------------------------------------------------------------------


def can_set_policy(user: User, county_id: int) -> bool:
    if reaches_whole_city(user):
        return True
    return user.role == Role.BUREAU and user.county_id == county_id


def policy_of(county_id: int) -> CountyPartTimePolicy:
    return db.session.get(CountyPartTimePolicy, county_id) or CountyPartTimePolicy(
        county_id=county_id, salary_standard=Decimal(0), bureau_approval=False
    )


def set_policy(
    county_id: int, salary_standard: Decimal, bureau_approval: bool, by: User
) -> CountyPartTimePolicy:
    if not can_set_policy(by, county_id):
        raise PermissionDenied(_("Only the county's bureau sets this."))
    if not Decimal(0) <= salary_standard <= Decimal(2_000_000):
        raise ValidationFailed(
            {"salary_standard": _("Enter a yearly amount between 0 and 2,000,000 yuan.")}
        )
    policy = policy_of(county_id)
    if policy not in db.session:
        db.session.add(policy)
    policy.salary_standard = salary_standard
    policy.bureau_approval = bureau_approval
    policy.updated_by_id = by.id
    changes = audit.pending_changes(policy, include={"salary_standard", "bureau_approval"})
    db.session.flush()
    if changes:
        audit.record("part_time_policy", policy, by=by, changes=changes)
    return policy

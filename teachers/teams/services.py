"""Innovation team services: applications, the life cycle table, composition checks, reports,
level raises; and overseas batches with nominations and reports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from core import audit, handover
from core.errors import Conflict, PermissionDenied, ValidationFailed
from core.extensions import db
from core.handover import Notice, announce
from core.models import Role, School, User
from core.permissions import in_school_scope
from core.rules import get_rule
from core.timeutil import today, utcnow
from core.uploads import save_upload
from core.workflow import Step, Workflow
from teachers.models import Teacher, TeacherStatus, Title

from .forms import NOMINATION_ACTIONS, NOMINATION_STATUS, TEAM_ACTIONS, TEAM_STATUS
from .models import (
    InnovationTeam,
    Nomination,
    NominationStatus,
    OverseasBatch,
    TeamLevel,
    TeamLevelChange,
    TeamMember,
    TeamReport,
    TeamStatus,
)
from .waits import NOMINATION_WAITS, TEAM_WAITS

T = TeamStatus
N = NominationStatus


def is_school_hr(user: User, school_id: int) -> bool:
    return user.role == Role.SCHOOL_HR and user.school_id == school_id


def is_bureau_for(user: User, school: School) -> bool:
    return user.role in (Role.BUREAU, Role.ADMIN) and in_school_scope(user, school)


def can_view_team(user: User, team: InnovationTeam) -> bool:
    if user.role == Role.TEACHER:
        return any(m.teacher and m.teacher.user_id == user.id for m in team.members) or (
            team.leader.user_id == user.id
        )
    return user.role in (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN) and in_school_scope(
        user, team.school
    )


# --- teams ------------------------------------------------------------------------------------


@dataclass
class MemberInput:
    teacher_id: int | None = None
    name: str = ""
    employer: str = ""
    kind: str = "teacher"
    backbone: bool = False


def save_team(
    school: School,
    data: dict[str, Any],
    members: list[MemberInput],
    by: User,
    team: InnovationTeam | None = None,
) -> InnovationTeam:
    if not is_school_hr(by, school.id):
        raise PermissionDenied(_("School HR applies for their own school's teams."))
    if team is not None and team.status != T.DRAFT:
        raise Conflict(_("Only a draft can be edited."), status=team.status)
    errors: dict[str, list[str]] = {}
    leader = db.session.get(Teacher, int(data.get("leader_id") or 0))
    if leader is None or leader.school_id != school.id:
        errors.setdefault("leader_id", []).append(
            _("The leader must be a teacher of %(school)s.", school=school.name)
        )
    if data.get("level_sought") not in set(TeamLevel):
        errors.setdefault("level_sought", []).append(_("Choose a level."))
    for key in ("name", "field"):
        if not (data.get(key) or "").strip():
            errors.setdefault(key, []).append(_("This field is required."))
    ids = [m.teacher_id for m in members if m.teacher_id]
    ids_with_leader = [*ids, leader.id] if leader is not None else ids
    if len(set(ids_with_leader)) != len(ids_with_leader):
        errors.setdefault("members", []).append(_("A teacher is listed twice in the team."))
    found = {
        t.id: t for t in db.session.scalars(select(Teacher).where(Teacher.id.in_(ids or [-1])))
    }
    for tid in ids:
        t = found.get(tid)
        if t is None or t.school_id != school.id:
            errors.setdefault("members", []).append(
                _("Teacher #%(id)s is not a teacher of %(school)s.", id=tid, school=school.name)
            )
    for m in members:
        if not m.teacher_id and not (m.name.strip() and m.employer.strip()):
            errors.setdefault("members", []).append(
                _("Give the name and employer of each outside member.")
            )
    if errors:
        raise ValidationFailed(errors)
    if team is None:
        team = InnovationTeam(school_id=school.id, created_by_id=by.id, status=T.DRAFT)
        db.session.add(team)
        action = "create"
    else:
        action = "update"
        team.members.clear()
    for key in ("name", "field", "level_sought", "plan"):
        setattr(team, key, (data.get(key) or "").strip())
    team.leader_id = leader.id
    db.session.flush()
    team.members.append(TeamMember(teacher_id=leader.id, kind="teacher", backbone=True))
    for m in members:
        team.members.append(
            TeamMember(
                teacher_id=m.teacher_id,
                external_name=m.name.strip(),
                external_employer=m.employer.strip(),
                kind="teacher" if m.teacher_id else m.kind,
                backbone=m.backbone,
            )
        )
    db.session.flush()
    audit.record(action, team, by=by, changes={"members": [None, len(team.members)]})
    return team


def composition_warnings(team: InnovationTeam) -> list[str]:
    """What the approver should know (rule versions: 5–15 members, a 副高级 leader …)."""
    warnings = []
    low, high = get_rule("team_min_members"), get_rule("team_max_members")
    if not low <= len(team.members) <= high:
        warnings.append(
            _(
                "The team has %(n)d members; the rule asks for %(a)d to %(b)d.",
                n=len(team.members),
                a=low,
                b=high,
            )
        )
    minimum = Title(get_rule("team_leader_min_title"))
    if Title(team.leader.title).rank < minimum.rank:
        warnings.append(_("The leader's title is below associate senior (副高级)."))
    share = DUAL_QUALIFIED_SHARE(team)
    if share is not None and share < 0.5:
        warnings.append(_("Fewer than half of the members are dual-qualified (双师型)."))
    return warnings


# Recognition (a later package) can tell the share of dual-qualified members; until then None.
DUAL_QUALIFIED_SHARE: Callable[[InnovationTeam], float | None] = lambda team: None  # noqa: E731


def attach_application(team: InnovationTeam, file: FileStorage, by: User) -> None:
    if not is_school_hr(by, team.school_id):
        raise PermissionDenied(_("Only HR of the school can do this."))
    try:
        team.application_id = save_upload(file, by).id
    except ValueError as err:
        raise ValidationFailed({"application": str(err)}) from None
    audit.record_changes("application_attached", team, by=by)


def _hr(user: User, team: InnovationTeam) -> bool:
    return is_school_hr(user, team.school_id)


def _bureau(user: User, team: InnovationTeam) -> bool:
    return is_bureau_for(user, team.school)


def _team_about(team: InnovationTeam) -> dict[str, Any]:
    return {"team": team.name, "school": team.school.name, "reason": team.decision_note}


def _team_link(team: InnovationTeam) -> str:
    return f"/teams/{team.id}"


def _school_and_leader(team: InnovationTeam) -> list[int | None]:
    return [*handover.school_hr(team.school_id), team.leader.user_id]


def _team_notice(kind: str, to: Any) -> list[Notice]:
    return [Notice(kind, to, _team_link, _team_about)]


# The bureau is told of an application, the school and the team leader of each decision.
TEAM_HANDOVERS = {
    "apply": _team_notice("team_applied", lambda t: handover.bureau_for(t.school_id)),
    "approve": _team_notice("team_approved", _school_and_leader),
    "reject": _team_notice("team_rejected", _school_and_leader),
    "accept": _team_notice("team_accepted", _school_and_leader),
    "fail": _team_notice("team_failed", _school_and_leader),
}


def _check_application(team: InnovationTeam, _by: User | None, _reason: str, **_data: Any) -> None:
    if team.application_id is None:
        raise ValidationFailed({"application": _("Upload the application document first.")})


def _check_approval(
    team: InnovationTeam,
    _by: User | None,
    _reason: str,
    project_no: str = "",
    building_start: date | None = None,
    building_end: date | None = None,
    **_data: Any,
) -> None:
    errors = {}
    if not (project_no or "").strip():
        errors["project_no"] = _("Give the project number.")
    if not building_start or not building_end or building_end <= building_start:
        errors["building_end"] = _("Give the building period (start before end).")
    if errors:
        raise ValidationFailed(errors)


def _approved(
    team: InnovationTeam,
    by: User | None,
    reason: str,
    project_no: str = "",
    building_start: date | None = None,
    building_end: date | None = None,
    level: str | None = None,
) -> None:
    team.project_no, team.building_start, team.building_end = (
        project_no.strip(),
        building_start,
        building_end,
    )
    _set_level(team, level or team.level_sought, by, "立项")
    _decided(team, by, reason)


def _decided(team: InnovationTeam, by: User | None, reason: str, **_data: Any) -> None:
    """The bureau's decision: who took it, and its reason where the step asks for one."""
    team.decided_by_id = by.id if by else None
    if reason:
        team.decision_note = reason


TEAM_WORKFLOW = Workflow(
    {
        (T.DRAFT, "apply"): Step(T.APPLIED, _hr, guard=_check_application),
        (T.DRAFT, "withdraw"): Step(T.WITHDRAWN, _hr),
        (T.APPLIED, "withdraw"): Step(T.WITHDRAWN, _hr),
        (T.APPLIED, "approve"): Step(T.APPROVED, _bureau, guard=_check_approval,
                                     effect=_approved),
        (T.APPLIED, "reject"): Step(T.REJECTED, _bureau, needs_reason=True, effect=_decided),
        (T.APPROVED, "start"): Step(T.BUILDING, _hr),
        (T.BUILDING, "accept"): Step(T.ACCEPTED, _bureau, effect=_decided),
        (T.BUILDING, "fail"): Step(T.FAILED, _bureau, needs_reason=True, effect=_decided),
    },
    TEAM_STATUS,
    TEAM_ACTIONS,
    TEAM_HANDOVERS,
    model=InnovationTeam,
    waits=TEAM_WAITS,
)  # fmt: skip


def team_actions(team: InnovationTeam, user: User) -> list[str]:
    return TEAM_WORKFLOW.allowed_actions(team, user)


def move_team(
    team: InnovationTeam,
    action: str,
    by: User,
    reason: str = "",
    project_no: str = "",
    building_start: date | None = None,
    building_end: date | None = None,
    level: str | None = None,
) -> InnovationTeam:
    return TEAM_WORKFLOW.transition(
        team, action, by, reason, project_no=project_no, building_start=building_start,
        building_end=building_end, level=level,
    )  # fmt: skip


def _set_level(team: InnovationTeam, level: str, by: User, note: str) -> None:
    if level not in set(TeamLevel):
        raise ValidationFailed({"level": _("Choose a level.")})
    db.session.add(
        TeamLevelChange(
            team_id=team.id, from_level=team.level, to_level=level, note=note, by_id=by.id
        )
    )
    team.level = level


def raise_level(team: InnovationTeam, level: str, note: str, by: User) -> None:
    """A team recognised at a higher level (a city team approved as provincial), history kept."""
    if not _bureau(by, team):
        raise PermissionDenied(_("You may not do this with the team."))
    if team.status not in (T.APPROVED, T.BUILDING, T.ACCEPTED):
        raise Conflict(_("Only an approved team changes level."), status=team.status)
    order = list(TeamLevel)
    if level not in set(TeamLevel) or order.index(TeamLevel(level)) <= order.index(
        TeamLevel(team.level)
    ):
        raise ValidationFailed({"level": _("Choose a higher level than the current one.")})
    before = team.level
    _set_level(team, level, by, note)
    audit.record("level_raised", team, by=by, changes={"level": [before, level]}, note=note)
    db.session.flush()


def add_report(
    team: InnovationTeam, year: int, summary: str, file: FileStorage | None, by: User
) -> TeamReport:
    if not _hr(by, team):
        raise PermissionDenied(_("Only HR of the school can do this."))
    if team.status != T.BUILDING:
        raise Conflict(_("Annual reports are for teams under construction."), status=team.status)
    if not (summary or "").strip():
        raise ValidationFailed({"summary": _("Write the summary of the year.")})
    if db.session.scalar(
        select(TeamReport.id).where(TeamReport.team_id == team.id, TeamReport.year == year)
    ):
        raise ValidationFailed({"year": _("There is already a report for %(year)d.", year=year)})
    try:
        upload = save_upload(file, by) if file is not None and file.filename else None
    except ValueError as err:
        raise ValidationFailed({"file": str(err)}) from None
    report = TeamReport(
        team_id=team.id, year=year, summary=summary.strip(), upload_id=upload.id if upload else None
    )
    db.session.add(report)
    db.session.flush()
    audit.record("team_report", team, by=by, changes={"report": [None, year]})
    return report


# --- overseas study ---------------------------------------------------------------------------


def create_batch(data: dict[str, Any], team_ids: list[int], by: User) -> OverseasBatch:
    if by.role not in (Role.BUREAU, Role.ADMIN, Role.SCHOOL_HR):
        raise PermissionDenied(_("The bureau or a school organises a batch."))
    errors = {}
    for key in ("theme", "country"):
        if not (data.get(key) or "").strip():
            errors[key] = _("This field is required.")
    if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
        errors["end_date"] = _("The batch returns before it leaves.")
    if not 1 <= int(data.get("capacity") or 0) <= 200:
        errors["capacity"] = _("A batch takes 1 to 200 teachers.")
    if errors:
        raise ValidationFailed(errors)
    batch = OverseasBatch(
        theme=data["theme"].strip(),
        country=data["country"].strip(),
        hosts=(data.get("hosts") or "").strip(),
        start_date=data["start_date"],
        end_date=data["end_date"],
        funding_source=(data.get("funding_source") or ""),
        budget_per_person=data.get("budget_per_person") or 0,
        capacity=int(data["capacity"]),
        school_id=by.school_id if by.role == Role.SCHOOL_HR else None,
        created_by_id=by.id,
    )
    if team_ids:
        batch.teams = list(
            db.session.scalars(select(InnovationTeam).where(InnovationTeam.id.in_(team_ids)))
        )
    db.session.add(batch)
    db.session.flush()
    audit.record(
        "create",
        batch,
        by=by,
        changes={"country": [None, batch.country], "capacity": [None, batch.capacity]},
    )
    return batch


def _nomination_about(n: Nomination) -> dict[str, Any]:
    return {"teacher": n.teacher.name, "batch": str(n.batch)}


def _batch_link(n: Nomination) -> str:
    return f"/overseas/{n.batch_id}"


def _teacher_and_school(n: Nomination) -> list[int | None]:
    return [n.teacher.user_id, *handover.school_hr(n.teacher.school_id)]


# The bureau selects the nominated; the teacher (and their school) hears of the selection.
NOMINATION_HANDOVERS = {
    "nominate": [Notice("overseas_nominated", lambda n: handover.bureau_for(n.teacher.school_id),
                        _batch_link, _nomination_about)],
    "select": [Notice("overseas_selected", _teacher_and_school, _batch_link, _nomination_about)],
    "decline": [Notice("overseas_declined", _teacher_and_school, _batch_link, _nomination_about)],
    "confirm": [Notice("overseas_confirmed", lambda n: handover.school_hr(n.teacher.school_id),
                       _batch_link, _nomination_about)],
}  # fmt: skip


def nominate(batch: OverseasBatch, teacher: Teacher, by: User) -> Nomination:
    if not is_school_hr(by, teacher.school_id) and by.role != Role.ADMIN:
        raise PermissionDenied(_("Schools nominate their own teachers."))
    if teacher.status != TeacherStatus.ACTIVE or not teacher.professional:
        raise ValidationFailed(
            {"teacher": _("Only active professional teachers can be nominated.")}
        )
    if db.session.scalar(
        select(Nomination.id).where(
            Nomination.batch_id == batch.id, Nomination.teacher_id == teacher.id
        )
    ):
        raise ValidationFailed(
            {"teacher": _("%(name)s is already nominated for this batch.", name=teacher.name)}
        )
    if batch.start_date <= today():
        raise Conflict(_("The batch has already left."))
    nomination = Nomination(batch_id=batch.id, teacher_id=teacher.id, nominated_by_id=by.id)
    db.session.add(nomination)
    db.session.flush()
    audit.record(
        "nominated",
        nomination,
        by=by,
        label=f"{teacher.name} → {batch}",
        school_id=teacher.school_id,
    )
    announce(NOMINATION_HANDOVERS, nomination, "nominate", by)
    return nomination


def _bureau_selects(by: User | None, nomination: Nomination) -> bool:
    return by is not None and (
        by.role == Role.ADMIN
        or (by.role == Role.BUREAU
            and (by.is_city_bureau or in_school_scope(by, nomination.teacher.school)))
    )  # fmt: skip


def _the_teacher(by: User | None, nomination: Nomination) -> bool:
    return by is not None and nomination.teacher.user_id == by.id


def _check_place(nomination: Nomination, _by: User | None, _reason: str) -> None:
    if nomination.teacher.status != TeacherStatus.ACTIVE:
        raise ValidationFailed(
            {"teacher": _("%(name)s has left the school.", name=nomination.teacher.name)}
        )
    batch = nomination.batch
    taken = db.session.scalar(
        select(func.count(Nomination.id)).where(
            Nomination.batch_id == batch.id,
            Nomination.status.in_([N.SELECTED, N.CONFIRMED, N.REPORTED]),
        )
    )
    if taken >= batch.capacity:
        raise Conflict(
            _("The batch is full (%(n)d places).", n=batch.capacity), status=nomination.status
        )


def _decided_nomination(nomination: Nomination, by: User | None, _reason: str) -> None:
    nomination.decided_by_id = by.id if by else None


def _check_report(
    nomination: Nomination, _by: User | None, _reason: str, summary: str = "",
    file: FileStorage | None = None,
) -> None:  # fmt: skip
    if today() < nomination.batch.end_date:
        raise ValidationFailed(
            {
                "summary": _(
                    "The report is filed after the return on %(d)s.", d=nomination.batch.end_date
                )
            }
        )
    if not (summary or "").strip():
        raise ValidationFailed({"summary": _("Write a summary of what you learned.")})
    if file is None or not file.filename:
        raise ValidationFailed({"report": _("Upload the report document.")})


def _reported(
    nomination: Nomination, by: User | None, _reason: str, summary: str = "",
    file: FileStorage | None = None,
) -> None:  # fmt: skip
    try:
        nomination.report_id = save_upload(file, by).id
    except ValueError as err:
        raise ValidationFailed({"report": str(err)}) from None
    nomination.report_summary = summary.strip()
    nomination.reported_at = utcnow()


def _bureau_only(*_args: Any) -> str:
    return _("The bureau selects the teachers of a batch.")


NOMINATION_WORKFLOW = Workflow(
    {
        (N.NOMINATED, "select"): Step(N.SELECTED, _bureau_selects, guard=_check_place,
                                      effect=_decided_nomination,
                                      denied=_bureau_only),
        (N.NOMINATED, "decline"): Step(N.DECLINED, _bureau_selects, effect=_decided_nomination,
                                       denied=_bureau_only),
        (N.SELECTED, "confirm"): Step(N.CONFIRMED, _the_teacher,
                                      denied=lambda *a: _("Only the selected teacher confirms.")),
        (N.CONFIRMED, "report"): Step(N.REPORTED, _the_teacher, guard=_check_report,
                                      effect=_reported, audit_as="reported",
                                      denied=lambda *a: _("The teacher files their own report.")),
    },
    NOMINATION_STATUS,
    NOMINATION_ACTIONS,
    NOMINATION_HANDOVERS,
    model=Nomination,
    waits=NOMINATION_WAITS,
    describe=lambda n: {"label": f"{n.teacher.name} → {n.batch}", "school_id": n.teacher.school_id},
)  # fmt: skip


def decide_nomination(nomination: Nomination, action: str, by: User) -> None:
    """The bureau selects or declines a nominated teacher; the teacher confirms they go."""
    NOMINATION_WORKFLOW.transition(nomination, action, by)


def report_deadline(batch: OverseasBatch) -> date:
    return batch.end_date + timedelta(days=get_rule("overseas_report_days", batch.end_date))


def file_report(nomination: Nomination, summary: str, file: FileStorage | None, by: User) -> None:
    """Back home, the teacher files the report: the visit counts from then on."""
    NOMINATION_WORKFLOW.transition(nomination, "report", by, summary=summary, file=file)

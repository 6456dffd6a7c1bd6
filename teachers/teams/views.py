"""Pages for innovation teams and overseas study batches."""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import nav
from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role, School
from core.permissions import login_required, require, roles_required, school_scope
from core.views.forms_util import apply_errors, flash_errors, form_status
from teachers.models import Teacher

from . import services, stats
from .forms import (
    LEVELS,
    NOMINATION_STATUS,
    TEAM_ACTIONS,
    TEAM_STATUS,
    BatchForm,
    FileForm,
    TeamForm,
)
from .models import InnovationTeam, Nomination, OverseasBatch, TeamMember

bp = Blueprint("teams", __name__, template_folder="../templates")
STAFF = (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN)
SPLIT = re.compile(r"[\s,，、;；]+")


@bp.app_context_processor
def _levels():  # type: ignore[no-untyped-def]
    return {
        "team_levels": LEVELS,
        "team_status": TEAM_STATUS,
        "team_actions": TEAM_ACTIONS,
        "nomination_status": NOMINATION_STATUS,
    }


def _by_staff_no(school: School, number: str) -> Teacher | None:
    return db.session.scalar(
        select(Teacher).where(Teacher.school_id == school.id, Teacher.staff_no == number)
    )


def parse_members(school: School, form: TeamForm) -> tuple[int | None, list[services.MemberInput]]:
    errors: dict[str, list[str]] = {}
    leader = _by_staff_no(school, (form.leader.data or "").strip())
    if leader is None:
        errors["leader"] = [
            _(
                "No teacher with staff number %(n)s at %(school)s.",
                n=form.leader.data,
                school=school.name,
            )
        ]
    members = []
    for token in [t for t in SPLIT.split(form.members.data or "") if t]:
        backbone = token.endswith("*")
        teacher = _by_staff_no(school, token.rstrip("*"))
        if teacher is None:
            errors.setdefault("members", []).append(
                _(
                    "No teacher with staff number %(n)s at %(school)s.",
                    n=token.rstrip("*"),
                    school=school.name,
                )
            )
        else:
            members.append(services.MemberInput(teacher_id=teacher.id, backbone=backbone))
    for line in (form.outside.data or "").splitlines():
        parts = [p.strip() for p in re.split(r"[,，]", line)]
        if not any(parts):
            continue
        if len(parts) < 2:
            errors.setdefault("outside", []).append(_("Write name, employer: %(line)s", line=line))
            continue
        kind = "enterprise" if len(parts) > 2 and parts[2] in ("enterprise", "企业") else "partner"
        members.append(services.MemberInput(name=parts[0], employer=parts[1], kind=kind))
    if errors:
        raise ValidationFailed(errors)
    return (leader.id if leader else None), members


def _team(team_id: int) -> InnovationTeam:
    team = db.get_or_404(InnovationTeam, team_id)
    require(services.can_view_team(current_user, team))
    return team


@bp.get("/teams")
@roles_required(*STAFF)
def index():  # type: ignore[no-untyped-def]
    status = request.args.get("status", "")
    query = select(InnovationTeam).where(school_scope(current_user, InnovationTeam.school_id))
    if status:
        query = query.where(InnovationTeam.status == status)
    waiting = request.args.get("waiting") == "me"  # the 待办's link: those waiting for me
    if waiting:
        query = query.where(services.TEAM_WORKFLOW.waiting_for(current_user))
    pagination = paginate(
        query.order_by(InnovationTeam.id.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=25,
    )
    return render_template(
        "teachers/teams/index.html",
        pagination=pagination,
        status=status,
        waiting=waiting,
        progress_url=nav.progress_url(current_user),
    )


@bp.route("/teams/new", methods=["GET", "POST"])
@roles_required(Role.SCHOOL_HR)
def new():  # type: ignore[no-untyped-def]
    form = TeamForm()
    if form.validate_on_submit():
        try:
            leader_id, members = parse_members(current_user.school, form)
            team = services.save_team(
                current_user.school, {**form.data, "leader_id": leader_id}, members, current_user
            )
        except ValidationFailed as err:
            apply_errors(form, err, aliases={"leader_id": "leader"})
        else:
            flash(_("Saved as a draft. Upload the application document, then apply."), "success")
            return redirect(url_for("teams.detail", team_id=team.id))
    return render_template("teachers/teams/form.html", form=form), form_status(form)


@bp.get("/teams/<int:team_id>")
@login_required
def detail(team_id: int):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    return render_template(
        "teachers/teams/detail.html",
        team=team,
        actions=services.team_actions(team, current_user),
        warnings=services.composition_warnings(team),
        file_form=FileForm(),
        is_hr=services.is_school_hr(current_user, team.school_id),
        is_bureau=services.is_bureau_for(current_user, team.school),
        today=date.today(),
    )


@bp.post("/teams/<int:team_id>/application")
@roles_required(Role.SCHOOL_HR)
def application(team_id: int):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    form = FileForm()
    if form.validate_on_submit() and form.file.data:
        services.attach_application(team, form.file.data, current_user)
        flash(_("File added."), "success")
    else:
        flash_errors(form.errors or {"file": [_("Choose a file.")]})
    return redirect(url_for("teams.detail", team_id=team.id)), 303


@bp.post("/teams/<int:team_id>/<any(apply, withdraw, approve, reject, start, accept, fail):action>")
@login_required
def act(team_id: int, action: str):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    f = request.form

    def day(key: str) -> date | None:
        try:
            return date.fromisoformat(f.get(key, ""))
        except ValueError:
            return None

    try:
        services.move_team(
            team,
            action,
            current_user,
            f.get("reason", ""),
            f.get("project_no", ""),
            day("building_start"),
            day("building_end"),
            f.get("level") or None,
        )
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.detail", team_id=team.id)), 303
    flash(
        _("%(action)s: the innovation team “%(team)s” is now %(status)s.",
          action=TEAM_ACTIONS[action], team=team.name, status=TEAM_STATUS[team.status]),
        "success",
    )  # fmt: skip
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.post("/teams/<int:team_id>/level")
@roles_required(Role.BUREAU, Role.ADMIN)
def raise_level(team_id: int):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    try:
        services.raise_level(
            team, request.form.get("level", ""), request.form.get("note", ""), current_user
        )
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.detail", team_id=team.id)), 303
    flash(
        _("The innovation team “%(team)s” is now at %(level)s level.", team=team.name,
          level=LEVELS.get(team.level, "")),
        "success",
    )  # fmt: skip
    return redirect(url_for("teams.detail", team_id=team.id))


@bp.post("/teams/<int:team_id>/reports")
@roles_required(Role.SCHOOL_HR)
def add_report(team_id: int):  # type: ignore[no-untyped-def]
    team = _team(team_id)
    form = FileForm()
    form.validate_on_submit()
    try:
        services.add_report(
            team,
            form.year.data or date.today().year,
            form.summary.data or "",
            form.file.data,
            current_user,
        )
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.detail", team_id=team.id)), 303
    flash(_("The annual report of “%(team)s” is filed.", team=team.name), "success")
    return redirect(url_for("teams.detail", team_id=team.id))


# --- overseas ---------------------------------------------------------------------------------


@bp.get("/overseas")
@login_required
def batches():  # type: ignore[no-untyped-def]
    pagination = paginate(
        select(OverseasBatch).order_by(OverseasBatch.start_date.desc()),
        page=request.args.get("page", 1, type=int),
        per_page=25,
    )
    return render_template(
        "teachers/teams/batches.html",
        pagination=pagination,
        can_create=current_user.role in STAFF,
        by_country=stats.overseas_counts(by="country"),
    )


@bp.route("/overseas/new", methods=["GET", "POST"])
@roles_required(*STAFF)
def new_batch():  # type: ignore[no-untyped-def]
    form = BatchForm()
    teams = list(
        db.session.scalars(
            select(InnovationTeam)
            .where(InnovationTeam.status.in_(["approved", "building", "accepted"]))
            .order_by(InnovationTeam.name)
        )
    )
    if form.validate_on_submit():
        try:
            batch = services.create_batch(
                form.data, [int(t) for t in request.form.getlist("teams")], current_user
            )
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Batch created. Schools can now nominate teachers."), "success")
            return redirect(url_for("teams.batch", batch_id=batch.id))
    return render_template("teachers/teams/batch_form.html", form=form, teams=teams), form_status(
        form
    )


@bp.get("/overseas/<int:batch_id>")
@login_required
def batch(batch_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(OverseasBatch, batch_id)
    nominations = item.nominations
    if current_user.role == Role.TEACHER:
        nominations = [n for n in nominations if n.teacher.user_id == current_user.id]
    elif current_user.role == Role.SCHOOL_HR:
        nominations = [n for n in nominations if n.teacher.school_id == current_user.school_id]
    suggestions = []
    if current_user.role == Role.SCHOOL_HR and item.teams:
        suggestions = list(
            db.session.scalars(
                select(Teacher)
                .join(TeamMember, TeamMember.teacher_id == Teacher.id)
                .where(
                    TeamMember.team_id.in_([t.id for t in item.teams]),
                    TeamMember.backbone.is_(True),
                    Teacher.school_id == current_user.school_id,
                )
                .distinct()
            )
        )
    return render_template(
        "teachers/teams/batch.html",
        batch=item,
        nominations=nominations,
        suggestions=suggestions,
        deadline=services.report_deadline(item),
        file_form=FileForm(),
        is_bureau=current_user.role in (Role.BUREAU, Role.ADMIN),
        today=date.today(),
    )


@bp.post("/overseas/<int:batch_id>/nominations")
@roles_required(Role.SCHOOL_HR)
def nominate(batch_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(OverseasBatch, batch_id)
    teacher = _by_staff_no(current_user.school, (request.form.get("staff_no") or "").strip())
    try:
        if teacher is None:
            raise ValidationFailed({"staff_no": _("No such teacher at your school.")})
        services.nominate(item, teacher, current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.batch", batch_id=item.id)), 303
    flash(_("%(name)s nominated.", name=teacher.name), "success")
    return redirect(url_for("teams.batch", batch_id=item.id))


@bp.post("/nominations/<int:nomination_id>/<any(select, decline, confirm):action>")
@login_required
def decide(nomination_id: int, action: str):  # type: ignore[no-untyped-def]
    nomination = db.get_or_404(Nomination, nomination_id)
    try:
        services.decide_nomination(nomination, action, current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.batch", batch_id=nomination.batch_id)), 303
    flash(
        _("%(teacher)s: %(status)s for %(batch)s.", teacher=nomination.teacher.name,
          status=NOMINATION_STATUS[nomination.status], batch=nomination.batch),
        "success",
    )  # fmt: skip
    return redirect(url_for("teams.batch", batch_id=nomination.batch_id))


@bp.post("/nominations/<int:nomination_id>/report")
@login_required
def report(nomination_id: int):  # type: ignore[no-untyped-def]
    nomination = db.get_or_404(Nomination, nomination_id)
    form = FileForm()
    form.validate_on_submit()
    try:
        services.file_report(nomination, form.summary.data or "", form.file.data, current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("teams.batch", batch_id=nomination.batch_id)), 303
    flash(_("Report filed. Thank you."), "success")
    return redirect(url_for("teams.batch", batch_id=nomination.batch_id))

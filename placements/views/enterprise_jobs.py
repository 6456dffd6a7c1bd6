"""Part-time jobs in enterprises (with the school's consent) and teaching workload."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role
from core.permissions import login_required, require, roles_required
from core.views.forms_util import apply_errors, flash_errors, form_status
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from .. import enterprise_jobs, services
from ..forms import HoursForm, JobForm, ReasonForm
from ..models import EnterpriseJob
from ..permissions import can_view, is_owner, is_school_hr
from .blueprint import bp


@bp.get("/enterprise-jobs")
@roles_required(Role.SCHOOL_HR)
def waiting_jobs():  # type: ignore[no-untyped-def]
    """HR's 待办 of part-time jobs: the requests waiting for the school's consent."""
    query = (
        select(EnterpriseJob)
        .options(joinedload(EnterpriseJob.enterprise), joinedload(EnterpriseJob.teacher))
        .where(enterprise_jobs.JOB_WORKFLOW.waiting_for(current_user))
        .order_by(EnterpriseJob.created_at)
    )
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    return render_template("placements/jobs_waiting.html", pagination=pagination)


@bp.get("/teachers/<int:teacher_id>/enterprise-jobs")
@login_required
def jobs(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.get_or_404(Teacher, teacher_id)
    require(can_view_teacher(current_user, teacher))
    rows = db.session.scalars(
        select(EnterpriseJob)
        .options(joinedload(EnterpriseJob.enterprise))
        .where(EnterpriseJob.teacher_id == teacher.id)
        .order_by(EnterpriseJob.start_date.desc())
    ).all()
    return render_template(
        "placements/jobs.html",
        teacher=teacher,
        jobs=rows,
        workload=enterprise_jobs.workload(teacher),
        is_self=current_user.role == Role.TEACHER and teacher.user_id == current_user.id,
        is_hr=current_user.role == Role.SCHOOL_HR and current_user.school_id == teacher.school_id,
        hours_form=HoursForm(),
        reason_form=ReasonForm(),
    )


@bp.route("/enterprise-jobs/new", methods=["GET", "POST"])
@login_required
def new_job():  # type: ignore[no-untyped-def]
    require(current_user.role == Role.TEACHER and current_user.teacher is not None)
    teacher = current_user.teacher
    form = JobForm()
    if form.validate_on_submit():
        try:
            enterprise = services.find_or_add_enterprise(
                form.credit_code.data, form.enterprise_name.data, current_user, form.industry.data
            )
            enterprise_jobs.request_consent(teacher, enterprise, form.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Your request has gone to the school's HR office."), "success")
            return redirect(url_for("placements.jobs", teacher_id=teacher.id))
    return render_template("placements/job_form.html", form=form), form_status(form)


@bp.post("/enterprise-jobs/<int:job_id>/<any(consent, refuse, withdraw):action>")
@login_required
def decide_job(job_id: int, action: str):  # type: ignore[no-untyped-def]
    job = db.get_or_404(EnterpriseJob, job_id)
    require(can_view(current_user, job))
    form = ReasonForm()
    form.validate_on_submit()
    try:
        if action == "withdraw":
            enterprise_jobs.withdraw(job, current_user)
        else:
            enterprise_jobs.decide(job, action == "consent", form.reason.data or "", current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("placements.jobs", teacher_id=job.teacher_id)), 303
    flash(
        _("%(what)s: the part-time job of %(teacher)s at %(enterprise)s.",
          what={"withdraw": _("Withdrawn"), "consent": _("Consented"), "refuse": _("Refused")}.get(
              action, ""), teacher=job.teacher.name, enterprise=job.enterprise.name),
        "success",
    )  # fmt: skip
    return redirect(url_for("placements.jobs", teacher_id=job.teacher_id))


@bp.post("/teachers/<int:teacher_id>/teaching-hours")
@login_required
def record_hours(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.get_or_404(Teacher, teacher_id)
    require(can_view_teacher(current_user, teacher))
    form = HoursForm()
    job = None
    if request.form.get("job"):
        job = db.get_or_404(EnterpriseJob, request.form.get("job", type=int))
        require(
            job.teacher_id == teacher.id
            and (is_owner(current_user, job) or is_school_hr(current_user, job))
        )
    if form.validate_on_submit():
        try:
            enterprise_jobs.record_hours(
                teacher, form.term.data.strip(), form.hours.data, current_user, job
            )
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Teaching hours saved."), "success")
            return redirect(url_for("placements.jobs", teacher_id=teacher.id))
    flash_errors(form.errors)
    return redirect(url_for("placements.jobs", teacher_id=teacher.id)), 303

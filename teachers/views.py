"""Teacher pages: the roster (search, filter, sort, pages), profiles, editing, leaving,
certificates, and the Excel template, import and export."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from core import org
from core.db import paginate
from core.errors import ValidationFailed
from core.excel import download
from core.extensions import db
from core.models import Role, School
from core.permissions import login_required, require, roles_required
from core.uploads import send_upload
from core.views.forms_util import apply_errors, form_status

from . import labels, roster, services
from . import tasks as roster_tasks
from .forms import CertificateForm, ContactForm, LeaveForm, TeacherForm
from .models import SkillCertificate, Teacher
from .permissions import can_edit, can_edit_contact, can_manage_school, can_view
from .profile import sections_for
from .queries import TeacherFilters, filtered_teachers

bp = Blueprint("teachers", __name__, template_folder="templates")
STAFF = (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR)
LABELS = {
    "gender": labels.GENDER, "employment": labels.EMPLOYMENT, "title": labels.TITLE,
    "education": labels.EDUCATION, "status": labels.STATUS, "kind": labels.CERTIFICATE_KIND,
    "level": labels.SKILL_LEVEL, "yes_no": labels.YES_NO,
}  # fmt: skip


@bp.context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"labels": LABELS}


def _teacher(teacher_id: int, *options: Any) -> Teacher:
    teacher = db.get_or_404(Teacher, teacher_id, options=options)
    require(can_view(current_user, teacher))
    return teacher


# Beyond a menu's worth of schools (`org.SCHOOL_MENU`), the roster's filter takes a school code.
SCHOOL_MENU = org.SCHOOL_MENU


def _managed_schools() -> list[School]:
    if current_user.role == Role.ADMIN:
        return list(db.session.scalars(select(School).order_by(School.code)))
    return [current_user.school] if current_user.role == Role.SCHOOL_HR else []


@bp.get("/teachers")
@roles_required(*STAFF)
def index():  # type: ignore[no-untyped-def]
    filters = TeacherFilters.from_args(request.args)
    pagination = paginate(
        filtered_teachers(current_user, filters),
        page=request.args.get("page", 1, type=int),
        per_page=current_app.config["PER_PAGE"],
    )
    visible = org.visible_schools(current_user)
    school_count = db.session.scalar(select(func.count()).select_from(visible.subquery()))
    return render_template(
        "teachers/index.html",
        pagination=pagination,
        filters=filters,
        schools=db.session.scalars(visible).all() if school_count <= SCHOOL_MENU else [],
        school_count=school_count,
        can_create=current_user.role == Role.ADMIN
        and bool(school_count)
        or current_user.role == Role.SCHOOL_HR,
    )


@bp.get("/me/profile")
@roles_required(Role.TEACHER)
def my_profile():  # type: ignore[no-untyped-def]
    teacher = current_user.teacher
    if teacher is None:
        abort(404)
    return redirect(url_for("teachers.profile", teacher_id=teacher.id))


@bp.route("/teachers/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.SCHOOL_HR)
def new():  # type: ignore[no-untyped-def]
    form = TeacherForm()
    schools = _managed_schools()
    school_code = request.values.get("school") or (schools[0].code if len(schools) == 1 else "")
    if request.method == "GET":
        form.professional.data = True
        form.enterprise_months.data = 0
    school = org.school_by_code(school_code) if school_code else None
    if form.validate_on_submit() and school is None:
        flash(_("Choose the teacher's school."), "error")
        form.staff_no.errors = list(form.staff_no.errors)  # re-shown with a 400
        return render_template(
            "teachers/form.html", form=form, teacher=None, schools=schools, school_code=""
        ), 400
    if form.validate_on_submit():
        require(can_manage_school(current_user, school))
        try:
            teacher = services.create_teacher(school, form.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Teacher %(name)s added.", name=teacher.name), "success")
            return redirect(url_for("teachers.profile", teacher_id=teacher.id))
    return render_template(
        "teachers/form.html", form=form, teacher=None, schools=schools, school_code=school_code
    ), form_status(form)


@bp.get("/teachers/<int:teacher_id>")
@login_required
def profile(teacher_id: int):  # type: ignore[no-untyped-def]
    # The page names the school and lists the certificates: read with the teacher.
    teacher = _teacher(teacher_id, joinedload(Teacher.school), joinedload(Teacher.certificates))
    editable = can_edit(current_user, teacher)
    return render_template(
        "teachers/profile.html",
        teacher=teacher,
        can_edit=editable,
        can_edit_contact=can_edit_contact(current_user, teacher),
        leave_form=LeaveForm() if editable else None,  # only who may record a leave sees it
        sections=sections_for(teacher, current_user),
    )


@bp.route("/teachers/<int:teacher_id>/edit", methods=["GET", "POST"])
@login_required
def edit(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit(current_user, teacher))
    form = TeacherForm(obj=teacher)
    if form.validate_on_submit():
        try:
            changed = services.update_teacher(teacher, form.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Changes saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("teachers.profile", teacher_id=teacher.id))
    return render_template(
        "teachers/form.html", form=form, teacher=teacher, schools=[], school_code=""
    ), form_status(form)


@bp.route("/teachers/<int:teacher_id>/contact", methods=["GET", "POST"])
@login_required
def contact(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit_contact(current_user, teacher))
    form = ContactForm(obj=teacher)
    if form.validate_on_submit():
        services.update_contact(teacher, form.data, current_user)
        flash(_("Contact details saved."), "success")
        return redirect(url_for("teachers.profile", teacher_id=teacher.id))
    return render_template("teachers/contact.html", form=form, teacher=teacher), form_status(form)


@bp.post("/teachers/<int:teacher_id>/leave")
@login_required
def leave(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit(current_user, teacher))
    form = LeaveForm()
    if form.validate_on_submit():
        try:
            services.mark_left(teacher, form.leave_date.data, form.leave_reason.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("%(name)s is recorded as having left.", name=teacher.name), "success")
            return redirect(url_for("teachers.profile", teacher_id=teacher.id))
    return render_template(
        "teachers/profile.html",
        teacher=teacher,
        can_edit=True,
        can_edit_contact=True,
        leave_form=form,
        sections=sections_for(teacher, current_user),
    ), 400


@bp.post("/teachers/<int:teacher_id>/reinstate")
@login_required
def reinstate(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit(current_user, teacher))
    services.reinstate(teacher, current_user)
    flash(_("%(name)s is active again.", name=teacher.name), "success")
    return redirect(url_for("teachers.profile", teacher_id=teacher.id))


# --- certificates -----------------------------------------------------------------------------


@bp.route("/teachers/<int:teacher_id>/certificates/new", methods=["GET", "POST"])
@login_required
def new_certificate(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    require(can_edit_contact(current_user, teacher))
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            services.add_certificate(teacher, form.data, form.scan.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Certificate added."), "success")
            return redirect(url_for("teachers.profile", teacher_id=teacher.id) + "#certificates")
    return render_template(
        "teachers/certificate_form.html", form=form, teacher=teacher
    ), form_status(form)


def _certificate(certificate_id: int) -> SkillCertificate:
    certificate = db.get_or_404(SkillCertificate, certificate_id)
    require(can_view(current_user, certificate.teacher))
    return certificate


@bp.get("/certificates/<int:certificate_id>/scan")
@login_required
def certificate_scan(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _certificate(certificate_id)
    if certificate.scan is None:
        abort(404)
    return send_upload(certificate.scan)


@bp.post("/certificates/<int:certificate_id>/delete")
@login_required
def delete_certificate(certificate_id: int):  # type: ignore[no-untyped-def]
    certificate = _certificate(certificate_id)
    teacher = certificate.teacher
    require(can_edit_contact(current_user, teacher))
    services.remove_certificate(certificate, current_user)
    flash(_("Certificate removed."), "success")
    return redirect(url_for("teachers.profile", teacher_id=teacher.id) + "#certificates")


# --- Excel ------------------------------------------------------------------------------------


@bp.get("/teachers/export.xlsx")
@roles_required(*STAFF)
def export():  # type: ignore[no-untyped-def]
    filters = TeacherFilters.from_args(request.args)
    query = filtered_teachers(current_user, filters)
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if count > current_app.config["ROSTER_EXPORT_INLINE_ROWS"]:
        # Too long for one request: offer to prepare it in the background.
        return render_template("teachers/export_large.html", count=count, filters=filters)
    return download(roster.export_workbook(query), "教师名册.xlsx")


@bp.post("/teachers/export")
@roles_required(*STAFF)
def export_in_background():  # type: ignore[no-untyped-def]
    filters = TeacherFilters.from_args(request.form)
    query = filtered_teachers(current_user, filters)
    count = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    task = roster_tasks.start_export(current_user, filters, count)
    flash(_("The export is being prepared. You can leave this page; you will be notified."), "info")
    return redirect(url_for("core.task_detail", task_id=task.id))

"""Schools: the list (scoped to the user), a school's page with its enrolment, and editing."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_

from .. import org, seals
from ..db import paginate
from ..errors import ValidationFailed
from ..forms import EnrollmentForm, SchoolForm, options
from ..models import Role, School
from ..permissions import can_edit_school, can_view_school, require, roles_required
from ..timeutil import today
from .blueprint import bp
from .forms_util import apply_errors, form_status

STAFF = (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR, Role.ORGANIZER)


@bp.get("/schools")
@roles_required(*STAFF)
def schools():  # type: ignore[no-untyped-def]
    q = (request.args.get("q") or "").strip()
    county = request.args.get("county") or ""
    query = org.visible_schools(current_user)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(School.name).like(like), func.lower(School.code).like(like))
        )
    selected = org.county_by_code(county) if county else None
    if selected:
        query = query.where(School.county_id == selected.id)
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=50)
    return render_template(
        "core/schools.html",
        pagination=pagination,
        q=q,
        county=county,
        counties=org.counties(),
        type_labels=org.SCHOOL_TYPE_LABELS,
        founder_labels=org.FOUNDER_LABELS,
        can_create=current_user.role == Role.ADMIN,
    )


def _school_form(school: School | None = None) -> SchoolForm:
    form = SchoolForm(obj=school)
    form.county_id.choices = options((c.id, c.name) for c in org.counties())
    return form


def _form_data(form: SchoolForm) -> dict:
    return {k: getattr(form, k).data for k in org.FIELDS}


@bp.route("/schools/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_school():  # type: ignore[no-untyped-def]
    form = _school_form()
    if form.validate_on_submit():
        try:
            school = org.create_school(_form_data(form), current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("School %(name)s added.", name=school.name), "success")
            return redirect(url_for("core.school", code=school.code))
    return render_template("core/school_form.html", form=form, school=None), form_status(form)


@bp.route("/schools/<code>/edit", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def edit_school(code: str):  # type: ignore[no-untyped-def]
    school = org.school_by_code(code) or abort(404)
    form = _school_form(school)
    if form.validate_on_submit():
        try:
            org.update_school(school, _form_data(form), current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("core.school", code=school.code))
    return render_template("core/school_form.html", form=form, school=school), form_status(form)


@bp.route("/schools/<code>", methods=["GET", "POST"])
@roles_required(*STAFF)
def school(code: str):  # type: ignore[no-untyped-def]
    school = org.school_by_code(code) or abort(404)
    require(can_view_school(current_user, school))
    form = EnrollmentForm()
    if request.method == "GET":
        form.year.data = today().year if today().month >= 9 else today().year - 1
    if request.method == "POST":
        require(can_edit_school(current_user, school.id))
        if form.validate_on_submit():
            try:
                org.set_enrollment(school, form.year.data, form.students.data, current_user)
            except ValidationFailed as err:
                apply_errors(form, err)
            else:
                flash(_("Enrolment for %(year)s saved.", year=form.year.data), "success")
                return redirect(url_for("core.school", code=school.code))
    return render_template(
        "core/school.html",
        school=school,
        form=form,
        can_edit=can_edit_school(current_user, school.id),
        can_seal=seals.can_manage(current_user, f"school:{school.code}"),
        type_labels=org.SCHOOL_TYPE_LABELS,
        founder_labels=org.FOUNDER_LABELS,
    ), form_status(form)

"""Part-time teacher pages: HR proposes and approves under the cap; the bureau watches every
school's numbers and sets its county's funding policy."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import org
from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import County, Role
from core.permissions import login_required, require, roles_required
from core.uploads import send_upload
from core.views.forms_util import apply_errors, flash_errors, form_status

from . import labels, services
from .capacity import capacities, capacity
from .forms import AgreementForm, AppointmentForm, DecisionForm, PolicyForm
from .models import Appointment
from .waits import no_colleague

SCHOOLS_PER_PAGE = 50  # the places table of the schools in reach
bp = Blueprint("appointments", __name__, template_folder="../templates")
STAFF = (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN)


@bp.app_context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"al": labels}


def _appointment(appointment_id: int) -> Appointment:
    appointment = db.get_or_404(Appointment, appointment_id)
    require(services.can_view(current_user, appointment))
    return appointment


@bp.get("/appointments")
@roles_required(*STAFF)
def index():  # type: ignore[no-untyped-def]
    status = request.args.get("status", "")
    query = services.visible(current_user).order_by(Appointment.id.desc())
    if status in set(labels.STATUS):
        query = query.where(Appointment.status == status)
    waiting = request.args.get("waiting") == "me"  # the 待办's link: those waiting for me
    if waiting:
        query = query.where(services.WORKFLOW.waiting_for(current_user))
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    # The places of the schools in reach, a page of them at a time (a province has thousands).
    schools = paginate(org.visible_schools(current_user), per_page=SCHOOLS_PER_PAGE,
                       page=request.args.get("schools_page", 1, type=int))  # fmt: skip
    numbers = capacities([s.id for s in schools.items])
    return render_template(
        "teachers/appointments/index.html",
        pagination=pagination,
        status=status,
        waiting=waiting,
        schools=schools,
        numbers=numbers,
        is_hr=current_user.role == Role.SCHOOL_HR,
    )


@bp.route("/appointments/new", methods=["GET", "POST"])
@roles_required(Role.SCHOOL_HR)
def new():  # type: ignore[no-untyped-def]
    form = AppointmentForm()
    if form.validate_on_submit():
        try:
            appointment = services.save_draft(current_user.school, form.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Saved as a draft. Upload the signed agreement, then submit it."), "success")
            _warn_if_full(appointment)
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    return render_template(
        "teachers/appointments/form.html",
        form=form,
        appointment=None,
        capacity=capacity(current_user.school),
    ), form_status(form)


@bp.route("/appointments/<int:appointment_id>/edit", methods=["GET", "POST"])
@roles_required(Role.SCHOOL_HR)
def edit(appointment_id: int):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    form = AppointmentForm(obj=appointment)
    if form.validate_on_submit():
        try:
            services.save_draft(appointment.school, form.data, current_user, appointment)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Changes saved."), "success")
            _warn_if_full(appointment)
            return redirect(url_for("appointments.detail", appointment_id=appointment.id))
    return render_template(
        "teachers/appointments/form.html",
        form=form,
        appointment=appointment,
        capacity=capacity(appointment.school),
    ), form_status(form)


def _warn_if_full(appointment: Appointment) -> None:
    refusal = services.cap_refusal(appointment)
    if refusal is not None:
        flash(
            _("As it stands this proposal cannot be approved: %(why)s", why=refusal.message),
            "warning",
        )


def _detail(appointment: Appointment, status: int = 200):  # type: ignore[no-untyped-def]
    actions = services.allowed_actions(appointment, current_user)
    cap_problem = services.cap_refusal(appointment) if "approve" in actions else None
    return render_template(
        "teachers/appointments/detail.html",
        appointment=appointment,
        actions=actions,
        single_hr=no_colleague(appointment),
        is_hr=services.is_school_hr(current_user, appointment),
        capacity=capacity(appointment.school),
        cap_problem=cap_problem,
        # 破格: the rules it is an exception to are not a warning; the exemption says why.
        problems=[]
        if appointment.exemption
        else services.eligibility_problems({k: getattr(appointment, k) for k in services.FIELDS}),
        not_started=services.not_begun(appointment),
        agreement_form=AgreementForm(),
        decision_form=DecisionForm(),
    ), status


@bp.get("/appointments/<int:appointment_id>")
@login_required
def detail(appointment_id: int):  # type: ignore[no-untyped-def]
    return _detail(_appointment(appointment_id))


@bp.post("/appointments/<int:appointment_id>/agreement")
@login_required
def agreement(appointment_id: int):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    form = AgreementForm()
    if form.validate_on_submit():
        try:
            services.attach_agreement(appointment, form.agreement.data, current_user)
        except ValidationFailed as err:
            flash_errors(err.fields)
        else:
            flash(_("Agreement uploaded."), "success")
    else:
        flash_errors(form.errors)
    return redirect(url_for("appointments.detail", appointment_id=appointment.id)), 303


@bp.get("/appointments/<int:appointment_id>/agreement")
@login_required
def agreement_file(appointment_id: int):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    if appointment.agreement is None:
        abort(404)
    return send_upload(appointment.agreement)


@bp.post("/appointments/<int:appointment_id>/<any(submit, approve, reject, terminate):action>")
@login_required
def act(appointment_id: int, action: str):  # type: ignore[no-untyped-def]
    appointment = _appointment(appointment_id)
    form = DecisionForm()
    form.validate_on_submit()
    try:
        services.transition(
            appointment, action, current_user, form.reason.data or "", form.terminated_on.data
        )
    except services.CapExceeded as refused:
        # Shown as an error on the appointment's own page, where approving stays disabled.
        flash(refused.message, "error")
        return redirect(url_for("appointments.detail", appointment_id=appointment.id)), 303
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("appointments.detail", appointment_id=appointment.id)), 303
    flash(_done(appointment, action), "success")
    return redirect(url_for("appointments.detail", appointment_id=appointment.id))


def _done(a: Appointment, action: str) -> str:
    """What just happened, naming the person."""
    if action == "approve" and a.status == "pending_bureau":
        return _("Approved by the school: %(name)s now waits for the county bureau.", name=a.name)
    return {
        "submit": _("Submitted: the proposal of %(name)s. The second approver is told.",
                    name=a.name),
        "approve": _("Approved: %(name)s is appointed part-time teacher (%(start)s to %(end)s).",
                     name=a.name, start=a.term_start, end=a.term_end),
        "reject": _("Not approved: the proposal of %(name)s. The proposer is told why.",
                    name=a.name),
        "terminate": _("Ended early: the appointment of %(name)s, from %(day)s.", name=a.name,
                       day=a.terminated_on),
    }[action]  # fmt: skip


@bp.post("/appointments/<int:appointment_id>/renew")
@roles_required(Role.SCHOOL_HR)
def renew(appointment_id: int):  # type: ignore[no-untyped-def]
    renewal = services.renew(_appointment(appointment_id), current_user)
    flash(
        _("A renewal draft was made from the previous appointment: check the dates and submit it."),
        "success",
    )
    return redirect(url_for("appointments.edit", appointment_id=renewal.id))


@bp.route("/part-time/policy/<county_code>", methods=["GET", "POST"])
@roles_required(Role.BUREAU, Role.ADMIN)
def policy(county_code: str):  # type: ignore[no-untyped-def]
    county = org.county_by_code(county_code) or abort(404)
    require(services.can_set_policy(current_user, county.id))
    current = services.policy_of(county.id)
    form = PolicyForm(obj=current)
    if form.validate_on_submit():
        try:
            services.set_policy(
                county.id, form.salary_standard.data, form.bureau_approval.data, current_user
            )
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("The part-time policy of %(county)s is saved.", county=county.name),
                  "success")  # fmt: skip
            return redirect(url_for("appointments.index"))
    counties = db.session.scalars(select(County).order_by(County.sort_order)).all()
    return render_template(
        "teachers/appointments/policy.html",
        form=form,
        county=county,
        counties=[c for c in counties if services.can_set_policy(current_user, c.id)],
    ), form_status(form)

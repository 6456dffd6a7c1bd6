"""A teacher's placements and HR's review queue: log, submit, confirm, decide, correct."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from core import qr
from core.bulk import outcome_page, parse_ids
from core.db import paginate
from core.errors import ServiceError, ValidationFailed
from core.extensions import db
from core.models import Role
from core.permissions import login_required, newest_first, require, roles_required
from core.uploads import send_upload
from core.views.forms_util import apply_errors, flash_errors, form_status
from teachers.models import Teacher

from .. import labels, mentor, services
from ..forms import AssessmentUploadForm, CorrectionForm, EvidenceForm, PlacementForm, ReasonForm
from ..models import Placement, PlacementEvidence, PlacementStatus
from ..permissions import can_edit, can_log_for, can_view, is_school_hr, visible_placements
from .blueprint import bp

STATUS_FILTERS = [s.value for s in PlacementStatus]


def _placement(placement_id: int) -> Placement:
    placement = db.get_or_404(Placement, placement_id)
    require(can_view(current_user, placement))
    return placement


@bp.get("/placements")
@roles_required(Role.TEACHER, Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN)
def index():  # type: ignore[no-untyped-def]
    waiting = request.args.get("waiting") == "me"  # the 待办's link: those waiting for me
    default = "submitted" if current_user.role == Role.SCHOOL_HR and not waiting else ""
    status = request.args.get("status", default)
    q = (request.args.get("q") or "").strip()
    # The page's teachers, schools and enterprises read after its 25 rows are chosen: joined
    # into the list, PostgreSQL would join every row of the school before sorting them.
    query = visible_placements(current_user).options(
        selectinload(Placement.teacher).joinedload(Teacher.school),
        selectinload(Placement.enterprise),
    )
    if status in STATUS_FILTERS:
        query = query.where(Placement.status == status)
    if waiting:
        query = query.where(services.WORKFLOW.waiting_for(current_user))
    if q:
        query = query.where(Teacher.name.contains(q) | Teacher.staff_no.contains(q))
    query = newest_first(query, Placement.id, current_user)
    pagination = paginate(
        query, page=request.args.get("page", 1, type=int), per_page=current_app.config["PER_PAGE"]
    )
    return render_template(
        "placements/index.html", pagination=pagination, status=status, q=q,
        statuses=STATUS_FILTERS, waiting=waiting,
    )  # fmt: skip


@bp.post("/placements/bulk")
@roles_required(Role.SCHOOL_HR)
def bulk_approve():  # type: ignore[no-untyped-def]
    back = url_for("placements.index", status="submitted")
    try:
        outcomes = services.approve_many(parse_ids(request.form.getlist("ids")), current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(back), 303
    return outcome_page(
        outcomes,
        _("Approvals"),
        back,
        lambda p: f"{p.teacher.name} · {p.enterprise.name} · {p.start_date}–{p.end_date}",
        lambda p: url_for("placements.detail", placement_id=p.id),
    )


def _teacher_for_new() -> Teacher:
    if current_user.role == Role.TEACHER:
        teacher = current_user.teacher
    else:
        teacher = db.session.get(Teacher, request.args.get("teacher", type=int) or 0)
    if teacher is None:
        abort(404)
    require(can_log_for(current_user, teacher))
    return teacher


def _save(form: PlacementForm, teacher: Teacher, placement: Placement | None):  # type: ignore[no-untyped-def]
    try:
        enterprise = services.find_or_add_enterprise(
            form.credit_code.data, form.enterprise_name.data, current_user, form.industry.data
        )
        saved = services.save_draft(teacher, enterprise, form.data, current_user, placement)
        instead = services.registered_instead(enterprise, form.enterprise_name.data)
        if instead:  # never replaced without a word
            flash(instead, "info")
        return saved
    except ValidationFailed as err:
        apply_errors(form, err)
        return None


@bp.route("/placements/new", methods=["GET", "POST"])
@roles_required(Role.TEACHER, Role.SCHOOL_HR)
def new():  # type: ignore[no-untyped-def]
    teacher = _teacher_for_new()
    form = PlacementForm()
    if form.validate_on_submit():
        placement = _save(form, teacher, None)
        if placement is not None:
            flash(_("Saved as a draft. Add the evidence, then submit it."), "success")
            return redirect(url_for("placements.detail", placement_id=placement.id))
    return render_template(
        "placements/form.html",
        form=form,
        teacher=teacher,
        placement=None,
        code_problems=services.CODE_PROBLEMS,
    ), form_status(form)


@bp.route("/placements/<int:placement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(can_edit(current_user, placement))
    form = PlacementForm(obj=placement)
    if request.method == "GET":
        form.credit_code.data = placement.enterprise.credit_code
        form.enterprise_name.data = placement.enterprise.name
    if form.validate_on_submit():
        try:
            saved = _save(form, placement.teacher, placement)
        except ServiceError as err:
            flash(err.message, "error")
            saved = None
        if saved is not None:
            flash(_("Changes saved."), "success")
            return redirect(url_for("placements.detail", placement_id=placement.id))
    return render_template(
        "placements/form.html",
        form=form,
        teacher=placement.teacher,
        placement=placement,
        code_problems=services.CODE_PROBLEMS,
    ), form_status(form)


@bp.get("/placements/<int:placement_id>")
@login_required
def detail(placement_id: int):  # type: ignore[no-untyped-def]
    return _detail_page(_placement(placement_id))


def _detail_page(placement: Placement, link_url: str | None = None):  # type: ignore[no-untyped-def]
    actions = services.allowed_actions(placement, current_user)
    links = mentor.open_links(placement)
    if link_url is None and links and (can_edit(current_user, placement)
                                       or is_school_hr(current_user, placement)):  # fmt: skip
        # The open link stays on the page until the mentor uses it or it expires.
        link_url = url_for(
            "placements.mentor_page", token=mentor.token_of(links[-1]), _external=True
        )
    hr = is_school_hr(current_user, placement) and placement.teacher.user_id != current_user.id
    return render_template(
        "placements/detail.html",
        placement=placement,
        # HR reviews; submitting and withdrawing are the teacher's (HR may, but not from here).
        actions=[a for a in actions if a not in DECISIONS and not hr],
        decisions=[a for a in actions if a in DECISIONS],
        can_edit=can_edit(current_user, placement) and placement.status in ("draft", "returned"),
        is_hr=is_school_hr(current_user, placement),
        reason_form=ReasonForm(),
        evidence_form=EvidenceForm(),
        upload_form=AssessmentUploadForm(),
        open_links=links,
        link_url=link_url,
        link_qr=qr.svg(link_url, label=_("QR code of the confirmation link")) if link_url else "",
        share_text=mentor.share_text(placement, link_url) if link_url else "",
        asks_digits=bool(mentor.phone_digits(placement)),
    )


@bp.post("/placements/<int:placement_id>/<any(submit, withdraw, approve, reject, return):action>")
@login_required
def act(placement_id: int, action: str):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    form = ReasonForm()
    form.validate_on_submit()
    try:
        services.transition(placement, action, current_user, form.reason.data or "")
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("placements.detail", placement_id=placement.id)), 303
    flash(_done(placement, action), "success")
    if action in DECISIONS and current_user.role == Role.SCHOOL_HR:
        return redirect(url_for("placements.index"))
    return redirect(url_for("placements.detail", placement_id=placement.id))


DECISIONS = ("approve", "return", "reject")


def _done(placement: Placement, action: str) -> str:
    """What just happened, naming the teacher and the enterprise."""
    names = {"teacher": placement.teacher.name, "enterprise": placement.enterprise.name}
    return {
        "submit": _("Submitted: the practice at %(enterprise)s. Send the mentor the link below; "
                    "the school reviews it once the enterprise has confirmed.", **names)
        if not placement.confirmed
        else _("Submitted: the practice at %(enterprise)s. The school's HR office is told.",
               **names),
        "withdraw": _("Withdrawn: the practice at %(enterprise)s.", **names),
        "approve": _("Approved: the enterprise practice of %(teacher)s (%(enterprise)s).", **names),
        "return": _("Returned to %(teacher)s for revision: the practice at %(enterprise)s.",
                    **names),
        "reject": _("Not approved: the enterprise practice of %(teacher)s (%(enterprise)s). "
                    "%(teacher)s is told why.", **names),
    }[action]  # fmt: skip


@bp.post("/placements/<int:placement_id>/delete")
@login_required
def delete(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    enterprise = placement.enterprise.name
    services.delete_draft(placement, current_user)
    flash(_("Deleted: the draft of your practice at %(enterprise)s.", enterprise=enterprise),
          "success")  # fmt: skip
    return redirect(url_for("placements.index"))


@bp.post("/placements/<int:placement_id>/evidence")
@login_required
def add_evidence(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(can_edit(current_user, placement))
    form = EvidenceForm()
    if form.validate_on_submit():
        try:
            services.add_evidence(placement, form.kind.data, form.file.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(
                _("Added: %(kind)s (%(file)s).", kind=labels.EVIDENCE[form.kind.data],
                  file=form.file.data.filename),
                "success",
            )  # fmt: skip
            return redirect(url_for("placements.detail", placement_id=placement.id))
    flash_errors(form.errors)
    return redirect(url_for("placements.detail", placement_id=placement.id)), 303


@bp.post("/placement-evidence/<int:evidence_id>/remove")
@login_required
def remove_evidence(evidence_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(PlacementEvidence, evidence_id)
    placement = _placement(item.placement_id)
    name = item.upload.original_name
    services.remove_evidence(item, current_user)  # a refusal: the error page says why
    flash(_("Removed: %(file)s.", file=name), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id, _anchor="evidence"))


@bp.get("/placement-evidence/<int:evidence_id>")
@login_required
def evidence_file(evidence_id: int):  # type: ignore[no-untyped-def]
    item = db.get_or_404(PlacementEvidence, evidence_id)
    require(can_view(current_user, item.placement))
    return send_upload(item.upload)


@bp.post("/placements/<int:placement_id>/mentor-link")
@login_required
def mentor_link(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    mentor.create_link(placement, current_user)
    flash(
        _("A new confirmation link for the mentor of %(enterprise)s is ready below; any earlier "
          "link no longer works.", enterprise=placement.enterprise.name),
        "success",
    )  # fmt: skip
    return redirect(url_for("placements.detail", placement_id=placement.id) + "#mentor-link")


@bp.post("/placements/<int:placement_id>/confirm-upload")
@login_required
def confirm_upload(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    form = AssessmentUploadForm()
    if not form.validate_on_submit():
        flash_errors(form.errors)
        return redirect(url_for("placements.detail", placement_id=placement.id))
    try:
        services.confirm_by_upload(placement, form.file.data, current_user)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("placements.detail", placement_id=placement.id)), 303
    flash(_("Confirmed with the enterprise's assessment form."), "success")
    return redirect(url_for("placements.detail", placement_id=placement.id))


@bp.route("/placements/<int:placement_id>/correct", methods=["GET", "POST"])
@login_required
def correct(placement_id: int):  # type: ignore[no-untyped-def]
    placement = _placement(placement_id)
    require(is_school_hr(current_user, placement))
    form = CorrectionForm(obj=placement)
    if request.method == "GET":
        form.reason.data = ""
    if form.validate_on_submit():
        try:
            services.correct_approved(placement, form.data, form.reason.data, current_user)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(
                _("The correction is recorded as revision %(n)d.", n=placement.revision), "success"
            )
            return redirect(url_for("placements.detail", placement_id=placement.id))
    return render_template("placements/correct.html", form=form, placement=placement), form_status(
        form
    )

"""Recognition pages: the bureau's queue, a teacher's application, certificates, ethics, the
recheck list, and the public verification page."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core import nav
from core.bulk import outcome_page, parse_ids
from core.db import paginate
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Role, Upload
from core.permissions import login_required, newest_first, require, roles_required
from core.timeutil import today
from core.uploads import send_upload
from core.views.forms_util import flash_errors
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from . import dual, labels, pdf, record, services, workflow
from . import tasks as batch_tasks
from .certificates import certificate as certificate_pdf
from .models import Kind, Recognition, Status

bp = Blueprint("recognition", __name__, template_folder="templates")


@bp.app_context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"rl": labels}


def _recognition(recognition_id: int) -> Recognition:
    r = db.get_or_404(Recognition, recognition_id)
    require(services.can_view(current_user, r))
    return r


def verify_url(r: Recognition) -> str:
    return url_for("recognition.verify", code=r.verification_code, _external=True)


def _pdf(data: bytes, name: str, inline: bool = True) -> Response:
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = (
        f"{disposition}; filename=file.pdf; filename*=UTF-8''{quote(name)}"
    )
    return response


@bp.get("/recognitions")
@login_required
def index():  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.TEACHER, Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN))
    kind = request.args.get("kind", "")
    status = request.args.get("status", "")
    query = newest_first(services.visible(current_user), Recognition.id, current_user)
    if kind in set(Kind):
        query = query.where(Recognition.kind == kind)
    if status in set(Status):
        query = query.where(Recognition.status == status)
    waiting = request.args.get("waiting") == "me"  # the 待办's link: those waiting for me
    if waiting:
        query = query.where(workflow.RECOGNITION.waiting_for(current_user))
    pagination = paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    return render_template(
        "recognition/index.html",
        pagination=pagination,
        kind=kind,
        status=status,
        waiting=waiting,
        progress_url=nav.progress_url(current_user),
    )


@bp.post("/recognitions/bulk")
@roles_required(Role.BUREAU, Role.ADMIN)
def bulk():  # type: ignore[no-untyped-def]
    """Confirm or reject the chosen cases at once; the page lists what went through and why each
    refusal."""
    back = url_for(
        "recognition.index", kind=request.form.get("kind"), status=request.form.get("status")
    )
    try:
        outcomes = services.decide_many(
            parse_ids(request.form.getlist("ids")),
            request.form.get("action", ""),
            request.form.get("reason", ""),
            current_user,
        )
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(back), 303
    return outcome_page(
        outcomes,
        _("Decisions"),
        back,
        lambda r: f"{r.teacher.name} · {labels.KIND[r.kind]} · {r.basis}",
        lambda r: url_for("recognition.detail", recognition_id=r.id),
    )


@bp.get("/recognitions/<int:recognition_id>")
@login_required
def detail(recognition_id: int):  # type: ignore[no-untyped-def]
    r = _recognition(recognition_id)
    assessment = (
        dual.assess(r.evidence, r.tier) if r.kind == Kind.DUAL_QUALIFIED and r.evidence else []
    )
    return render_template(
        "recognition/detail.html",
        r=r,
        assessment=assessment,
        is_bureau=workflow.is_bureau_for(current_user, r),
        is_hr=workflow.is_hr_for(current_user, r),
        today=today(),
        next_step=_next_step(r),
    )


def _next_step(r: Recognition) -> str:
    """Who acts next, in one sentence: the panel is never empty."""
    school = r.teacher.school.name
    return {
        Status.PENDING: _("The education bureau confirms or rejects it."),
        Status.APPLIED: _("HR of %(school)s reviews it: passes it to the bureau or returns it.",
                          school=school),
        Status.RETURNED: _("%(teacher)s revises the records and resubmits, or withdraws.",
                           teacher=r.teacher.name),
        Status.SCHOOL_PASSED: _("The education bureau decides; if it approves, a public notice "
                                "follows."),
        Status.NOTICE: _("Public notice until %(day)s; then the bureau recognises it (or records "
                         "objections).", day=r.notice_until),
        Status.CONFIRMED: (
            _("Nothing more: recognised. Recheck due by %(day)s.", day=r.recheck_due)
            if r.recheck_due else _("Nothing more: recognised.")
        ),
        Status.REJECTED: _("Closed: not granted."),
        Status.WITHDRAWN: _("Closed: the competition result no longer qualifies."),
        Status.REVOKED: _("Closed: revoked."),
        Status.CANCELLED: _("Closed: withdrawn by the teacher."),
    }[Status(r.status)]  # fmt: skip


@bp.get("/recognitions/<int:recognition_id>/evidence")
@login_required
def extra_evidence(recognition_id: int):  # type: ignore[no-untyped-def]
    """The file a teacher attached to an application their records did not fully support."""
    r = _recognition(recognition_id)
    upload_id = (r.evidence or {}).get("extra_upload_id")
    upload = db.session.get(Upload, upload_id) if upload_id else None
    if upload is None:
        abort(404)
    return send_upload(upload)


STEPS = ", ".join(workflow.STEPS)


@bp.post(f"/recognitions/<int:recognition_id>/<any({STEPS}):action>")
@login_required
def act(recognition_id: int, action: str):  # type: ignore[no-untyped-def]
    r = _recognition(recognition_id)
    reason = request.form.get("reason", "")
    try:
        services.transition(r, action, current_user, reason)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("recognition.detail", recognition_id=r.id)), 303
    flash(_done(r, action), "success")
    return redirect(url_for("recognition.detail", recognition_id=r.id))


def _done(r: Recognition, action: str) -> str:
    """What just happened, naming the person and the recognition."""
    what = f"{r.teacher.name} · {labels.KIND[r.kind]} {labels.TIER.get(r.tier, '')}".strip()
    return {
        "confirm": (
            _("Confirmed: %(what)s.", what=what) if r.kind == Kind.D_CLASS
            else _("Approved: %(what)s is in public notice until %(day)s.", what=what,
                   day=r.notice_until)
        ),
        "reject": _("Not granted: %(what)s. The teacher and the school are told why.", what=what),
        "pass": _("Passed to the bureau: %(what)s.", what=what),
        "return": _("Returned to %(teacher)s with your comment.", teacher=r.teacher.name),
        "resubmit": _("Sent again to your school's HR office."),
        "withdraw": _("Your application is withdrawn; the school has been told."),
        "object": _("The objection is recorded."),
        "finalize": _("Recognised: %(what)s.", what=what),
    }[action]  # fmt: skip


@bp.route("/recognitions/apply", methods=["GET", "POST"])
@roles_required(Role.TEACHER)
def apply():  # type: ignore[no-untyped-def]
    teacher = current_user.teacher or abort(404)
    evidence = dual.gather(teacher, today())
    if request.method == "POST":
        try:
            r = services.apply(
                teacher,
                request.form.get("tier", ""),
                current_user,
                request.form.get("note", ""),
                request.files.get("extra"),
            )
        except ValidationFailed as err:
            flash_errors(err.fields)
        else:
            flash(_("Application sent to your school's HR office."), "success")
            return redirect(url_for("recognition.detail", recognition_id=r.id))
    return render_template(
        "recognition/apply.html",
        evidence=evidence,
        tiers=dual.TIERS,
        assessments={t: dual.assess(evidence, t) for t in dual.TIERS},
        supported=dual.highest_supported(evidence),
        open_one=services.open_application(teacher),
    ), (400 if request.method == "POST" else 200)


@bp.get("/recognitions/<int:recognition_id>/certificate.pdf")
@login_required
def certificate(recognition_id: int):  # type: ignore[no-untyped-def]
    r = _recognition(recognition_id)
    if r.status != Status.CONFIRMED or r.verification_code is None:  # imported: not ours to issue
        abort(404)
    return _pdf(certificate_pdf(r, verify_url(r)), f"{r.certificate_no}.pdf")


@bp.post("/recognitions/certificates")
@roles_required(Role.BUREAU, Role.ADMIN)
def certificates():  # type: ignore[no-untyped-def]
    """Every confirmed certificate of a kind (and optionally since a date), in one PDF or a ZIP,
    made in the background: the person follows it on the task page and downloads it there."""
    try:
        task = batch_tasks.start_batch(current_user, request.form, request.url_root)
    except ValidationFailed as err:
        flash_errors(err.fields)
        return redirect(url_for("recognition.index"))
    flash(
        _("The certificates are being prepared. You can leave this page; you will be notified."),
        "info",
    )
    return redirect(url_for("core.task_detail", task_id=task.id))


@bp.get("/teachers/<int:teacher_id>/development-record.pdf")
@login_required
def development_record(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.get_or_404(Teacher, teacher_id)
    require(can_view_teacher(current_user, teacher))
    return _pdf(
        pdf.development_record(teacher, record.sections(teacher), today()),
        f"{teacher.name}个人发展档案.pdf",
    )


@bp.get("/verify/<code>")
def verify(code: str):  # type: ignore[no-untyped-def]
    r = services.by_code(code)
    if r is None:
        return render_template("recognition/verify.html", r=None), 404
    return render_template(
        "recognition/verify.html", r=r, valid=r.status == Status.CONFIRMED, today=today()
    )


@bp.route("/ethics", methods=["GET", "POST"])
@roles_required(Role.SCHOOL_HR)
def ethics():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        teacher = db.session.scalar(
            select(Teacher).where(
                Teacher.school_id == current_user.school_id,
                Teacher.staff_no == request.form.get("staff_no", ""),
            )
        )
        try:
            if teacher is None:
                raise ValidationFailed({"staff_no": _("No such teacher at your school.")})
            until = request.form.get("penalty_until")
            services.record_ethics(
                teacher,
                int(request.form.get("year") or today().year),
                request.form.get("passed") == "1",
                date.fromisoformat(until) if until else None,
                request.form.get("note", ""),
                current_user,
            )
        except (ValidationFailed, ValueError) as err:
            flash_errors(
                getattr(err, "fields", {"penalty_until": [_("Enter a date as YYYY-MM-DD.")]})
            )
            return redirect(url_for("recognition.ethics")), 303
        flash(_("The ethics assessment is recorded."), "success")
        return redirect(url_for("recognition.ethics"))
    due = db.session.scalars(
        services.visible(current_user)
        .where(
            Recognition.status == Status.CONFIRMED,
            Recognition.kind == Kind.DUAL_QUALIFIED,
            Recognition.recheck_due <= today() + timedelta(days=183),
        )
        .order_by(Recognition.recheck_due)
    ).all()
    return render_template("recognition/ethics.html", due=due, year=today().year)

"""Administration: accounts, rule versions, and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from .. import accounts, audit, labels, org, rules
from ..db import paginate
from ..errors import ValidationFailed
from ..extensions import db
from ..forms import ROLE_LABELS, RuleVersionForm, UserForm, options
from ..models import AuditEntry, Role, School, User
from ..permissions import can_view_audit, login_required, require, roles_required
from ..timeutil import start_of_local_day
from .blueprint import bp
from .forms_util import apply_errors, form_status


def _page() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.get("/admin/users")
@roles_required(Role.ADMIN)
def users():  # type: ignore[no-untyped-def]
    q = (request.args.get("q") or "").strip()
    role = request.args.get("role") or ""
    query = select(User).order_by(User.username)
    if q:
        like = f"%{q.lower()}%"
        query = query.where(
            or_(func.lower(User.username).like(like), func.lower(User.display_name).like(like))
        )
    if role in set(Role):
        query = query.where(User.role == role)
    pagination = paginate(query, page=_page(), per_page=current_app.config["PER_PAGE"])
    return render_template(
        "core/users.html", pagination=pagination, q=q, role=role, role_labels=ROLE_LABELS
    )


def _user_form() -> UserForm:
    form = UserForm()
    schools = db.session.scalars(select(School).order_by(School.code))
    form.school.choices = options(((s.code, f"{s.code} {s.name}") for s in schools), blank="—")
    form.county.choices = options(((c.code, c.name) for c in org.counties()), _("Whole city"))
    return form


@bp.route("/admin/users/new", methods=["GET", "POST"])
@roles_required(Role.ADMIN)
def new_user():  # type: ignore[no-untyped-def]
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                username=form.username.data,
                display_name=form.display_name.data or "",
                password=form.password.data,
                role=form.role.data,
                school=org.school_by_code(form.school.data) if form.school.data else None,
                county=org.county_by_code(form.county.data) if form.county.data else None,
                link={"staff_no": (form.staff_no.data or "").strip()},
                by=current_user,
                must_change_password=True,
            )
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for("core.users"))
    return render_template("core/user_form.html", form=form), form_status(form)


@bp.post("/admin/users/<int:user_id>/reset-password")
@roles_required(Role.ADMIN)
def reset_password(user_id: int):  # type: ignore[no-untyped-def]
    user = db.get_or_404(User, user_id)
    temporary = accounts.reset_password(user, current_user)
    return render_template("core/password_reset.html", user=user, temporary=temporary)


@bp.post("/admin/users/<int:user_id>/enabled")
@roles_required(Role.ADMIN)
def set_enabled(user_id: int):  # type: ignore[no-untyped-def]
    user = db.get_or_404(User, user_id)
    enable = request.form.get("enabled") == "1"
    accounts.set_enabled(user, enable, current_user)
    if enable:
        flash(_("%(name)s can sign in again.", name=user.username), "success")
    else:
        flash(_("%(name)s can no longer sign in.", name=user.username), "success")
    return redirect(request.referrer or url_for("core.users"))


# --- rules ------------------------------------------------------------------------------------


@bp.get("/admin/rules")
@roles_required(Role.ADMIN, Role.BUREAU)
def rule_list():  # type: ignore[no-untyped-def]
    current = {key: rules.get_rule(key) for key in rules.REGISTRY}
    return render_template("core/rules.html", registry=rules.REGISTRY, current=current)


@bp.route("/admin/rules/<key>", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.BUREAU)
def rule_detail(key: str):  # type: ignore[no-untyped-def]
    rule = rules.REGISTRY.get(key) or abort(404)
    form = RuleVersionForm()
    if request.method == "POST":
        require(current_user.role == Role.ADMIN)
        if form.validate_on_submit():
            try:
                rules.add_version(
                    key,
                    form.value.data,
                    form.valid_from.data,
                    form.level.data,
                    form.note.data or "",
                    current_user,
                )
            except ValidationFailed as err:
                apply_errors(form, err)
            else:
                flash(_("The new version of the rule is saved."), "success")
                return redirect(url_for("core.rule_detail", key=key))
    return render_template(
        "core/rule_detail.html",
        rule=rule,
        current=rules.get_rule(key),
        versions=rules.versions(key),
        levels=rules.LEVELS,
        form=form,
        can_edit=current_user.role == Role.ADMIN,
    ), form_status(form)


# --- audit log --------------------------------------------------------------------------------


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return None


@bp.get("/audit")
@login_required
def audit_log():  # type: ignore[no-untyped-def]
    require(can_view_audit(current_user))
    query = audit.visible_entries(current_user)
    f = {
        k: (request.args.get(k) or "").strip()
        for k in ("who", "type", "action", "school", "since", "until", "object")
    }
    if f["who"]:
        query = query.where(func.lower(AuditEntry.actor_name).like(f"%{f['who'].lower()}%"))
    if f["type"]:
        query = query.where(AuditEntry.object_type == f["type"])
    if f["object"]:
        query = query.where(AuditEntry.object_id == f["object"])
    if f["action"]:
        query = query.where(AuditEntry.action == f["action"])
    if f["school"]:
        school = org.school_by_code(f["school"])
        query = query.where(AuditEntry.school_id == (school.id if school else -1))
    since, until = _parse_day(f["since"]), _parse_day(f["until"])
    if since:
        query = query.where(AuditEntry.at >= start_of_local_day(since))
    if until:
        query = query.where(AuditEntry.at < start_of_local_day(until + timedelta(days=1)))
    pagination = paginate(query, page=_page(), per_page=50)
    types = db.session.scalars(select(AuditEntry.object_type).distinct())
    actions = db.session.scalars(select(AuditEntry.action).distinct())
    return render_template(
        "core/audit.html",
        pagination=pagination,
        filters=f,
        types=sorted(((t, labels.kind_name(t)) for t in types if t), key=lambda p: p[1]),
        actions=sorted(((a, labels.action_name(a)) for a in actions), key=lambda p: p[1]),
        schools=db.session.scalars(org.visible_schools(current_user)).all(),
        L=labels,
    )

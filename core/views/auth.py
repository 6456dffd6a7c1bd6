"""Sign-in, sign-out, the home page and the user's own account (password, language, tokens)."""

from __future__ import annotations

import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import accounts, nav, seals
from ..db import keep_partial_work
from ..errors import PLAIN_HTTP, ValidationFailed, plain_http_with_secure_cookies
from ..extensions import db
from ..forms import ChangePasswordForm, LoginForm, MailForm, TokenForm
from ..models import ApiToken
from ..permissions import login_required, require
from ..timeutil import utcnow
from ..urls import safe_next
from .blueprint import bp
from .forms_util import apply_errors, form_status

# Pages a user who must change their password may still open.
OPEN_WHILE_PASSWORD_EXPIRED = {"core.password", "core.logout", "i18n.switch", "static"}


@bp.before_app_request
def _end_idle_sessions():  # type: ignore[no-untyped-def]
    """A browser session left idle past IDLE_MINUTES is over (a shared office computer): the
    next page signs the person out and asks them to sign in again. The API (tokens) is not
    concerned; static files do not count as activity."""
    if request.path.startswith(("/api/", "/static/")) or not current_user.is_authenticated:
        return None
    now = int(time.time())
    seen = session.get("seen")
    limit = current_app.config["IDLE_MINUTES"] * 60
    if seen is not None and limit and now - int(seen) > limit:
        logout_user()
        clear_remember = session.get("_remember")  # Flask-Login's order to drop the cookie too
        session.clear()
        if clear_remember:
            session["_remember"] = clear_remember
        flash(_("You were signed out after a long time without activity. Please sign in again."),
              "info")  # fmt: skip
        return redirect(url_for("core.login", next=request.full_path.rstrip("?")))
    if seen is None or now - int(seen) > 60:  # the cookie is rewritten at most once a minute
        session["seen"] = now
    return None


@bp.before_app_request
def _force_password_change():  # type: ignore[no-untyped-def]
    if (
        current_user.is_authenticated
        and current_user.must_change_password
        and request.endpoint not in OPEN_WHILE_PASSWORD_EXPIRED
        and not request.path.startswith("/api/")
    ):
        flash(_("Please choose a new password before you continue."), "warning")
        return redirect(url_for("core.password"))
    return None


@bp.get("/")
def home():  # type: ignore[no-untyped-def]
    if not current_user.is_authenticated:
        return redirect(url_for("core.login"))
    return render_template(
        "core/home.html",
        items=nav.items_for(current_user),
        panels=nav.home_panels(current_user),
        inbox=nav.inbox(current_user),
    )


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    target = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.password.data)
        except accounts.LoginRefused as refused:
            keep_partial_work()  # the failed attempt is counted (and audited)
            form.password.errors = [refused.message]
        else:
            locale = session.get("locale")
            session.clear()  # no session fixation across sign-in
            login_user(user, remember=form.remember.data)
            if user.locale is None and locale:
                user.locale = locale
            flash(_("Welcome, %(name)s.", name=user.display_name), "success")
            return redirect(target or url_for("core.home"))
    insecure = PLAIN_HTTP() if plain_http_with_secure_cookies() else None
    return render_template("core/login.html", form=form, insecure=insecure)


@bp.post("/logout")
def logout():  # type: ignore[no-untyped-def]
    locale = session.get("locale")
    if current_user.is_authenticated:
        accounts.end_sessions(current_user._get_current_object())
    logout_user()
    session.clear()
    if locale:
        session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.login"))


@bp.get("/account")
@login_required
def account():  # type: ignore[no-untyped-def]
    return render_template(
        "core/account.html",
        password_form=ChangePasswordForm(),
        token_form=TokenForm(),
        mail_form=MailForm(obj=current_user),
        tokens=accounts.user_tokens(current_user),
        now=utcnow(),
        seal_issuers=seals.managed_by(current_user),
    )


@bp.post("/account/mail")
@login_required
def mail_settings():  # type: ignore[no-untyped-def]
    form = MailForm()
    if form.validate_on_submit():
        accounts.set_mail(current_user, form.email.data, form.mail_notifications.data)
        flash(_("Your e-mail settings are saved."), "success")
        return redirect(url_for("core.account"))
    return render_template(
        "core/account.html",
        password_form=ChangePasswordForm(),
        token_form=TokenForm(),
        mail_form=form,
        tokens=accounts.user_tokens(current_user),
        now=utcnow(),
        seal_issuers=seals.managed_by(current_user),
    ), form_status(form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            # The session id carries the new version; re-sign this session in so it goes on.
            login_user(current_user._get_current_object(), fresh=True)
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("core.account"))
    return render_template("core/password.html", form=form), form_status(form)


@bp.post("/account/tokens")
@login_required
def create_token():  # type: ignore[no-untyped-def]
    form = TokenForm()
    if form.validate_on_submit():
        try:
            days = int(form.days.data) if form.days.data else None
            _token, plain = accounts.create_token(current_user, form.name.data, days=days)
        except ValidationFailed as err:
            apply_errors(form, err)
        else:
            return render_template("core/token_created.html", plain=plain)
    return render_template(
        "core/account.html",
        password_form=ChangePasswordForm(),
        token_form=form,
        mail_form=MailForm(obj=current_user),
        tokens=accounts.user_tokens(current_user),
        now=utcnow(),
        seal_issuers=seals.managed_by(current_user),
    ), form_status(form)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_token(token_id: int):  # type: ignore[no-untyped-def]
    token = db.get_or_404(ApiToken, token_id)
    require(token.user_id == current_user.id)
    accounts.revoke_token(token, current_user)
    flash(_("The token '%(name)s' no longer works.", name=token.name), "success")
    return redirect(url_for("core.account"))

"""Languages: zh-CN first, English second; chosen per user and by a switch on every page."""

from __future__ import annotations

from flask import Blueprint, current_app, has_request_context, redirect, request, session
from flask_login import current_user

from .accounts import set_locale
from .extensions import db
from .urls import safe_next

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # CLI and jobs speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if request.path.startswith("/api/v1/") and request.headers.get("Accept-Language"):
        # Another system says which language its people read (the *_label fields, errors).
        asked = request.accept_languages.best_match(["zh", "zh-CN", "zh-Hans", "en"])
        if asked:
            return "en" if asked == "en" else "zh_Hans_CN"
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if chosen in languages:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def html_lang(locale: str) -> str:
    return "zh-CN" if locale.startswith("zh") else locale


@bp.post("/language/<code>")
def switch(code: str):  # type: ignore[no-untyped-def]
    if code in current_app.config["LANGUAGES"]:
        session["locale"] = code
        if current_user.is_authenticated and current_user.locale != code:
            set_locale(current_user, code)
            db.session.flush()
    return redirect(safe_next(request.form.get("next")) or "/")

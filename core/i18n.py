"""Languages: zh-CN first, English second; chosen per user and by a switch on every page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, current_app, g, has_request_context, redirect, request, session
from flask_babel import get_translations
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


def _translations() -> Any:
    """This request's catalog, found once. Flask-Babel looks it up again for every string (the
    context, the domain, the locale's name: a teacher's page spends a millisecond on its 60
    strings); the one found is kept with the locale it is for, so a `force_locale` block (a
    document in Chinese) gets its own and the page's comes back after it."""
    ctx = g.get("_flask_babel")  # Flask-Babel's namespace of this request
    locale = getattr(ctx, "babel_locale", None)
    kept = getattr(ctx, "kept_translations", None)
    if kept is not None and locale is not None and kept[0] is locale:
        return kept[1]
    translations = get_translations()
    ctx = g.get("_flask_babel")
    if ctx is not None:
        ctx.kept_translations = (getattr(ctx, "babel_locale", None), translations)
    return translations


def install_template_gettext(app: Flask) -> None:
    """Templates' `_()` and `ngettext()` through `_translations` (after `babel.init_app`)."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
        newstyle=True,
    )


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

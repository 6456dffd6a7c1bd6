"""Shuangshi's core: the app factory and what every domain package stands on."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from flask import Flask, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from . import backup, cli, nav, scheduler
from .config import INSTANCE_DIR, PACKAGE_ROOT, config_for
from .db import configure_engine, init_request_transactions
from .errors import register_error_handlers
from .extensions import babel, csrf, db, login_manager, migrate


def _check_secret_key(key: str | None) -> None:
    """Production refuses a missing, default or short SECRET_KEY, and says how to make one once
    (a new key signs everyone out and breaks the mentors' links: make it once, keep it)."""
    if not key or key == "dev-only-not-secret" or len(key) < 32:
        raise RuntimeError(
            "Set SECRET_KEY to a long random value, once, in the environment file of every "
            "machine: python3 -c 'import secrets; print(secrets.token_hex(32))'"
        )


def create_app(config: str | None = None, overrides: dict[str, Any] | None = None) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(PACKAGE_ROOT / "static"),
        instance_path=str(INSTANCE_DIR),
    )
    from . import observability, security

    security.init_app(app)  # before any route: `<int:…>` means an id that fits the database
    config_class = config_for(config)
    app.config.from_object(config_class)
    if overrides:
        app.config.update(overrides)
    if config_class.__name__ == "ProductionConfig":
        _check_secret_key(app.config.get("SECRET_KEY"))
    observability.init_app(app)  # logs and metrics, in every process that makes the app

    if app.config["PROXY_COUNT"]:
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    # Made at start whatever the database: uploads and the embedded queue live here too.
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(PACKAGE_ROOT / "migrations"), render_as_batch=True, compare_type=True
    )
    from . import ratelimit

    ratelimit.init_app(app)  # the first hook of every request: it counts before any other runs
    login_manager.init_app(app)
    login_manager.login_view = "core.login"
    login_manager.session_protection = "strong"
    login_manager.login_message = None
    csrf.init_app(app)

    from .catalogs import ensure_compiled
    from .i18n import bp as i18n_bp
    from .i18n import html_lang, install_template_gettext, select_locale

    ensure_compiled()
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    configure_engine(app)
    init_request_transactions(app)
    register_error_handlers(app)

    from . import (
        enrolment_import,
        imports,
        models,  # noqa: F401  (tables known to the metadata and to migrations)
        ratelimit,
        tasks,
    )

    imports.register(enrolment_import.ENROLMENT)
    from .api_admin import api as admin_api
    from .api_imports import api as imports_api
    from .api_v1 import api as core_api
    from .forms import ROLE_LABELS
    from .notifications import bp as notifications_bp
    from .notifications import unread_count
    from .views import bp as core_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(i18n_bp)
    app.register_blueprint(core_api)
    app.register_blueprint(admin_api)
    app.register_blueprint(imports_api)
    app.register_blueprint(notifications_bp)
    from .health import bp as health_bp

    app.register_blueprint(health_bp)
    cli.init_app(app)
    backup.init_app(app)
    scheduler.init_app(app)
    tasks.init_app(app)
    from .import_runs import TASK as IMPORT_TASK
    from .import_runs import forget_stale_previews, run_task

    tasks.register(IMPORT_TASK, _l("Import"))(run_task)  # a confirmed large import
    scheduler.register(
        "core.import_previews",
        forget_stale_previews,
        "remove the files of import previews nobody confirmed within a day",
        hour=3,
        minute=40,
    )
    from .pdf import check_configured_font

    check_configured_font(app)
    _register_core_nav()
    from .labels import register_core

    register_core()

    for name in app.config["DOMAIN_PACKAGES"]:
        importlib.import_module(name).init_app(app)

    @app.context_processor
    def _template_globals() -> dict[str, Any]:
        locale = str(get_locale() or app.config["BABEL_DEFAULT_LOCALE"])
        return {
            "nav_items": nav.items_for(current_user),
            "current_locale": locale,
            "html_lang": html_lang(locale),
            "languages": app.config["LANGUAGES"],
            "request_path": request.full_path.rstrip("?") if request else "/",
            "role_labels": ROLE_LABELS,
            "unread_notifications": (
                unread_count(current_user) if current_user.is_authenticated else 0
            ),
        }

    from .templating import register_filters

    register_filters(app)
    return app


def _register_core_nav() -> None:
    from .models import Role

    nav.register(
        nav.NavItem(
            "core.schools",
            _l("Schools"),
            (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR, Role.ORGANIZER),
            _l("Schools, their counties and enrolled students."),
            order=80,
        )
    )
    nav.register(
        nav.NavItem(
            "core.imports_home",
            _l("Imports"),
            (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR, Role.ORGANIZER),
            _l("Bring records kept in Excel in: preview first, then all or nothing."),
            order=85,
        )
    )
    nav.register(
        nav.NavItem(
            "core.audit_log",
            _l("Audit log"),
            (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR),
            _l("Who changed what, and when."),
            order=90,
        )
    )
    nav.register(
        nav.NavItem(
            "core.users",
            _l("Accounts"),
            (Role.ADMIN,),
            _l("Create accounts, reset passwords, disable access."),
            order=95,
        )
    )
    nav.register(
        nav.NavItem(
            "core.rule_list",
            _l("Rules"),
            (Role.ADMIN, Role.BUREAU),
            _l("Thresholds from the plan and national rules, with their dated versions."),
            order=96,
        )
    )

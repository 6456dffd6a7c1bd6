"""Competitions: the catalogue, entries, results and awards, and the participation rate."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import imports as core_imports
from core import nav, notifications, workflow
from core.models import Role


def init_app(app: Flask) -> None:
    from .audit_labels import register_audit_labels

    register_audit_labels()
    from . import demo as competition_demo
    from . import imports, models, services  # noqa: F401  (the tables)
    from .api import api
    from .views import bp

    core_imports.register(imports.RESULTS)
    core_imports.register(imports.ENTRIES)
    workflow.register(services.WORKFLOW)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    core_demo.register(competition_demo.build)
    from .inbox import inbox

    nav.register_inbox(inbox)
    notifications.register_kind(
        "results_published", _l("The results of %(competition)s are published.")
    )
    notifications.register_kind(
        "results_corrected", _l("A result of %(competition)s was corrected.")
    )
    nav.register(
        nav.NavItem(
            "competitions.index",
            _l("Competitions"),
            (Role.ORGANIZER, Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR),
            _l(
                "Skills competitions and teaching-ability contests: entries, results, medal tables."
            ),
            order=40,
        )
    )

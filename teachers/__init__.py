"""Teachers: the staff of each school, their certificates (and, with later issues, part-time
appointments, innovation teams and overseas study)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import nav, rules
from core.accounts import register_role_linker
from core.models import Role


def init_app(app: Flask) -> None:
    from . import demo as teacher_demo
    from . import models  # noqa: F401
    from .api import api
    from .services import link_account
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api)
    register_role_linker(Role.TEACHER, link_account)
    core_demo.register(teacher_demo.build)
    nav.register(
        nav.NavItem(
            "teachers.index",
            _l("Teachers"),
            (Role.ADMIN, Role.BUREAU, Role.SCHOOL_HR),
            _l("The roster: search, add, import from Excel, export."),
            order=10,
        )
    )
    nav.register(
        nav.NavItem(
            "teachers.my_profile",
            _l("My profile"),
            (Role.TEACHER,),
            _l("Your record, contact details and certificates."),
            order=10,
        )
    )
    rules.define(
        "part_time_cap_ratio",
        "0.30",
        "decimal",
        _l("Part-time teachers: at most this share of professional teachers"),
        level="city",
        minimum=0,
        maximum=1,
    )
    rules.define(
        "part_time_max_term_years",
        3,
        "int",
        _l("Part-time teachers: longest term of one appointment (years)"),
        unconfirmed=True,
        level="city",
        minimum=1,
        maximum=10,
    )

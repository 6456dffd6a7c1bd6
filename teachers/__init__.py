"""Teachers: the staff of each school, their certificates (and, with later issues, part-time
appointments, innovation teams and overseas study)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import nav, notifications, rules, scheduler
from core.accounts import register_role_linker
from core.models import Role


def init_app(app: Flask) -> None:
    from . import demo as teacher_demo
    from . import models  # noqa: F401
    from .api import api
    from .appointments import demo as appointment_demo
    from .appointments import jobs as appointment_jobs
    from .appointments import models as appointment_models  # noqa: F401
    from .appointments.api import api as appointments_api
    from .appointments.views import bp as appointments_bp
    from .services import link_account
    from .views import bp

    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.register_blueprint(appointments_bp)
    app.register_blueprint(appointments_api)
    register_role_linker(Role.TEACHER, link_account)
    core_demo.register(teacher_demo.build)
    core_demo.register(appointment_demo.build)
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
    nav.register(
        nav.NavItem(
            "appointments.index",
            _l("Part-time teachers"),
            (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN),
            _l("兼职教师: propose and approve within the 30 percent cap; places and money left."),
            order=30,
        )
    )
    rules.define(
        "part_time_min_title",
        "title_intermediate",
        "json",
        _l("Part-time teachers: lowest title that qualifies"),
        unconfirmed=True,
    )
    rules.define(
        "part_time_min_skill_level",
        "skill_level3",
        "json",
        _l("Part-time teachers: lowest skill level that qualifies (高级工)"),
        unconfirmed=True,
    )
    rules.define(
        "part_time_max_age",
        65,
        "int",
        _l("Part-time teachers: must be younger than this at the start of the term"),
        unconfirmed=True,
        level="city",
        minimum=30,
        maximum=90,
    )
    notifications.register_kind(
        "appointment_ending",
        _l("The part-time appointment of %(name)s ends on %(day)s: renew it or let it end."),
    )
    scheduler.register(
        "teachers.appointments_daily",
        appointment_jobs.daily,
        "end appointments past their term; notices 30 days ahead",
        hour=5,
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

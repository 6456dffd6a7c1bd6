"""Teachers: the staff of each school, their certificates (and, with later issues, part-time
appointments, innovation teams and overseas study)."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import imports as core_imports
from core import nav, notifications, rules, scheduler
from core import tasks as core_tasks
from core import workflow as core_workflow
from core.accounts import register_role_linker
from core.models import Role

from . import labels, profile, titles


def init_app(app: Flask) -> None:
    from . import demo as teacher_demo
    from . import (
        models,  # noqa: F401
        roster,
    )
    from . import tasks as roster_tasks
    from .api import api
    from .appointments import demo as appointment_demo
    from .appointments import imports as appointment_imports
    from .appointments import jobs as appointment_jobs
    from .appointments import models as appointment_models  # noqa: F401
    from .appointments import services as appointment_services
    from .appointments.api import api as appointments_api
    from .appointments.views import bp as appointments_bp
    from .audit_labels import register_audit_labels
    from .services import link_account
    from .teams import demo as team_demo
    from .teams import imports as team_imports
    from .teams import jobs as team_jobs
    from .teams import models as team_models  # noqa: F401
    from .teams import services as team_services
    from .teams.api import api as teams_api
    from .teams.views import bp as teams_bp
    from .views import bp

    register_audit_labels()
    for kind in (roster.ROSTER, appointment_imports.APPOINTMENTS, team_imports.TEAMS,
                 team_imports.OVERSEAS):  # fmt: skip
        core_imports.register(kind)
    core_workflow.register(appointment_services.WORKFLOW, team_services.TEAM_WORKFLOW,
                           team_services.NOMINATION_WORKFLOW)  # fmt: skip
    core_tasks.register(roster_tasks.EXPORT, _l("Roster export (Excel)"))(roster_tasks.run_export)
    titles.define_rules()
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.register_blueprint(appointments_bp)
    app.register_blueprint(appointments_api)
    app.register_blueprint(teams_bp)
    app.register_blueprint(teams_api)
    profile.register_section(teams_section)
    register_role_linker(Role.TEACHER, link_account)
    core_demo.register(teacher_demo.build)
    from .inbox import inbox

    nav.register_inbox(inbox)
    core_demo.register(appointment_demo.build)
    core_demo.register(team_demo.build)
    from . import literacy

    literacy.init_app(app)  # its demo round after the roster's demo teachers
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
            _l("兼职教师: propose and approve within the school's cap; places and money left."),
            order=30,
        )
    )
    rules.define(
        "part_time_min_title",
        "title_intermediate",
        "json",
        _l("Part-time teachers: lowest title that qualifies"),
        unconfirmed=True,
        describe=_qualification,
    )
    rules.define(
        "part_time_min_skill_level",
        "skill_level3",
        "json",
        _l("Part-time teachers: lowest skill level that qualifies (高级工)"),
        unconfirmed=True,
        describe=_qualification,
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
    for kind, message in {
        "appointment_submitted": _l(
            "The part-time appointment of %(name)s waits for a second HR approval."
        ),
        "appointment_stand_in": _l("%(school)s has no second HR account: the part-time "
                                   "appointment of %(name)s waits for your approval."),
        "appointment_needs_bureau": _l("%(school)s approved the part-time appointment of "
                                       "%(name)s: it waits for the bureau's approval."),
        "appointment_approved": _l("The part-time appointment of %(name)s (%(school)s) is "
                                   "approved."),
        "appointment_rejected": _l("The part-time appointment of %(name)s was rejected: "
                                   "%(reason)s"),
        "appointment_terminated": _l("The part-time appointment of %(name)s was ended early."),
    }.items():  # fmt: skip
        notifications.register_kind(kind, message)
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
    nav.register(
        nav.NavItem(
            "teams.index",
            _l("Innovation teams"),
            (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN),
            _l("Teacher teaching innovation teams, and overseas study batches."),
            order=35,
        )
    )
    nav.register(
        nav.NavItem(
            "teams.batches",
            _l("Overseas study"),
            (Role.TEACHER,),
            _l("Batches abroad you are nominated for, and your reports."),
            order=36,
        )
    )
    rules.define(
        "team_min_members", 5, "int", _l("Innovation teams: fewest members"), minimum=1, maximum=50
    )
    rules.define(
        "team_max_members", 15, "int", _l("Innovation teams: most members"), minimum=1, maximum=50
    )
    rules.define(
        "team_leader_min_title",
        "associate_senior",
        "json",
        _l("Innovation teams: lowest title of the leader"),
        level="province",
        describe=lambda value: [labels.TITLE[value]],
    )
    rules.define(
        "overseas_report_days",
        30,
        "int",
        _l("Overseas study: days after the return to file the report"),
        level="city",
        minimum=1,
        maximum=365,
    )
    for kind, message in {
        "team_applied": _l("%(school)s applied for the innovation team “%(team)s”: please decide."),
        "team_approved": _l("The innovation team “%(team)s” was approved."),
        "team_rejected": _l("The innovation team “%(team)s” was not approved: %(reason)s"),
        "team_accepted": _l("The innovation team “%(team)s” passed its acceptance."),
        "team_failed": _l("The innovation team “%(team)s” did not pass: %(reason)s"),
        "overseas_nominated": _l("%(teacher)s was nominated for %(batch)s: please select."),
        "overseas_selected": _l("%(teacher)s was selected for %(batch)s: please confirm."),
        "overseas_declined": _l("%(teacher)s was not selected for %(batch)s."),
        "overseas_confirmed": _l("%(teacher)s confirmed they go on %(batch)s."),
    }.items():  # fmt: skip
        notifications.register_kind(kind, message)
    notifications.register_kind(
        "overseas_report_due",
        _l("Your report on %(batch)s is due by %(due)s."),
    )
    notifications.register_kind(
        "overseas_report_late",
        _l("Your report on %(batch)s was due on %(due)s and is late."),
    )
    scheduler.register(
        "teachers.overseas_reports", team_jobs.overseas_reports, "overseas report reminders", hour=7
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


def teams_section(teacher, user):  # type: ignore[no-untyped-def]
    from sqlalchemy import select
    from sqlalchemy.orm import joinedload

    from core.extensions import db

    from .teams.models import Nomination, TeamMember

    memberships = list(
        db.session.scalars(
            select(TeamMember)
            .where(TeamMember.teacher_id == teacher.id)
            .options(joinedload(TeamMember.team))  # each line names its team
        )
    )
    visits = list(db.session.scalars(select(Nomination).where(Nomination.teacher_id == teacher.id)))
    return "teachers/teams/_profile.html", {"memberships": memberships, "visits": visits}


def _qualification(value: str) -> list[str]:
    from .appointments.labels import QUALIFICATION

    return [QUALIFICATION[value]]

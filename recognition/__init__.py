"""Recognition (认定): D-class talent and dual-qualified tiers, with PDF certificates."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import imports as core_imports
from core import nav, notifications, rules, scheduler
from core import tasks as core_tasks
from core import workflow as core_workflow
from core.models import Role


def init_app(app: Flask) -> None:
    from .labels import register_audit_labels

    register_audit_labels()
    from competitions.signals import results_changed
    from teachers import profile
    from teachers.teams import services as team_services

    from . import d_class, dual, imports, jobs, labels, models, tasks  # noqa: F401
    from . import demo as recognition_demo
    from . import workflow as recognition_workflow
    from .api import api
    from .views import bp

    for kind in (imports.DUAL, imports.D_CLASS, imports.ETHICS):
        core_imports.register(kind)
    core_workflow.register(recognition_workflow.RECOGNITION)
    core_tasks.register(tasks.CERTIFICATES, _l("Certificates in one batch"))(tasks.make_batch)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    results_changed.connect(_on_results_changed)
    team_services.DUAL_QUALIFIED_SHARE = _dual_share
    profile.register_section(_profile_section)
    core_demo.register(recognition_demo.build)
    from .inbox import inbox

    nav.register_inbox(inbox)
    nav.register(
        nav.NavItem(
            "recognition.index",
            _l("Recognitions"),
            (Role.TEACHER, Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN),
            _l("D-class talent and dual-qualified (双师型) recognitions, with certificates."),
            order=50,
        )
    )
    nav.register(
        nav.NavItem(
            "recognition.ethics",
            _l("Ethics and rechecks"),
            (Role.SCHOOL_HR,),
            _l("Record the yearly teacher-ethics result; see who is due for a recheck."),
            order=55,
        )
    )
    rules.define(
        "talent_class_rules",
        d_class.DEFAULT_RULES,
        "json",
        _l("Talent classes earned by competition awards (D-class …)"),
        level="city",
        describe=labels.describe_talent_rules,
    )
    rules.define(
        "dual_qualified_criteria",
        dual.DEFAULT_CRITERIA,
        "json",
        _l("Dual-qualified tiers: criteria"),
        unconfirmed=True,
        level="province",
        describe=labels.describe_criteria,
    )
    rules.define(
        "recognition_notice_working_days",
        5,
        "int",
        _l("Recognition: public notice (working days)"),
        level="province",
        minimum=1,
        maximum=30,
    )
    rules.define(
        "dual_qualified_recheck_years",
        5,
        "int",
        _l("Dual-qualified: years until the recheck"),
        unconfirmed=True,
        level="province",
        minimum=1,
        maximum=10,
    )
    for kind, message in {
        "d_class_proposed": _l("%(teacher)s (%(school)s) qualifies as D-class talent: %(basis)s. "
                               "Please confirm it."),
        "d_class_confirmed": _l("%(teacher)s is recognised as D-class talent: %(basis)s."),
        "dual_applied": _l("%(teacher)s applied for dual-qualified recognition: please review "
                           "the application."),
        "dual_withdrawn": _l("%(teacher)s withdrew their dual-qualified application: nothing "
                             "is left for you to do."),
        "dual_school_passed": _l("The school passed the dual-qualified application of "
                                 "%(teacher)s (%(school)s): it waits for the bureau's decision."),
        "dual_returned": _l("Your dual-qualified application was returned by the school: "
                            "%(reason)s"),
        "dual_in_notice": _l("The dual-qualified recognition of %(teacher)s is in public notice "
                             "until %(day)s."),
        "recognition_rejected": _l("The recognition of %(teacher)s was not granted: %(reason)s"),
        "dual_recognised": _l("%(teacher)s is recognised as a dual-qualified teacher."),
    }.items():  # fmt: skip
        notifications.register_kind(kind, message)
    notifications.register_kind(
        "recheck_due", _l("%(name)s is due for the dual-qualified recheck by %(day)s.")
    )
    scheduler.register(
        "recognition.recheck", jobs.recheck_notices, "HR notices of rechecks due", hour=6
    )


def _on_results_changed(competition, entries, reason):  # type: ignore[no-untyped-def]
    from .d_class import on_results_changed

    on_results_changed(competition, entries, reason)


def _dual_share(team):  # type: ignore[no-untyped-def]
    from sqlalchemy import func, select

    from core.extensions import db
    from core.timeutil import today

    from .models import Recognition
    from .stats import valid_dual_qualified

    ids = [m.teacher_id for m in team.members if m.teacher_id]
    if not ids:
        return None
    recognised = db.session.scalar(  # the ratio's own rule: confirmed and not past its recheck
        select(func.count(func.distinct(Recognition.teacher_id))).where(
            Recognition.teacher_id.in_(ids), valid_dual_qualified(today())
        )
    )
    return recognised / len(team.members)


def _profile_section(teacher, user):  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from core.extensions import db

    from .models import Recognition

    items = list(
        db.session.scalars(
            select(Recognition)
            .where(Recognition.teacher_id == teacher.id)
            .order_by(Recognition.id.desc())
        )
    )
    return "recognition/_profile.html", {"items": items}

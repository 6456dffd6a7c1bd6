"""Enterprise practice (千企万岗): placements, the practice ledger, the title-review
prerequisite, and part-time enterprise jobs."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import demo as core_demo
from core import imports as core_imports
from core import nav, notifications, rules, scheduler, tasks, workflow
from core.models import Role


def init_app(app: Flask) -> None:
    from .audit_labels import register_audit_labels

    register_audit_labels()
    from teachers import profile

    from . import demo as placement_demo
    from . import enterprise_jobs, jobs, mentor, models, services  # noqa: F401  (listeners, tables)
    from . import imports as placement_imports
    from .api import api
    from .api_practice import api as practice_api
    from .views import bp

    core_imports.register(placement_imports.PLACEMENTS)
    workflow.register(services.WORKFLOW, enterprise_jobs.JOB_WORKFLOW)
    tasks.register(mentor.MAIL_TASK, _l("Confirmation link mailed to the enterprise mentor"))(
        mentor.mail_the_link
    )
    app.register_blueprint(bp)
    app.register_blueprint(api)
    app.register_blueprint(practice_api)
    core_demo.register(placement_demo.build)
    profile.register_section(profile_section)
    nav.register_home_panel(home_panel)
    from .inbox import inbox

    nav.register_inbox(inbox)
    nav.register(
        nav.NavItem(
            "placements.index",
            _l("Enterprise practice"),
            (Role.TEACHER, Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN),
            _l("千企万岗: log placements, confirm with the enterprise, review."),
            order=20,
        )
    )
    nav.register(
        nav.NavItem(
            "placements.title_review_list",
            _l("Title review"),
            (Role.SCHOOL_HR,),
            _l(
                "Who applies for a title this year, and whether their practice "
                "meets the prerequisite."
            ),
            order=25,
        )
    )
    rules.define(
        "practice_days_required",
        132,
        "int",
        _l("Enterprise practice: days required in the window (6 months)"),
        unconfirmed=True,
        level="national",
        minimum=1,
        maximum=1000,
    )
    rules.define(
        "practice_window_years",
        5,
        "int",
        _l("Enterprise practice: window (years)"),
        level="national",
        minimum=1,
        maximum=10,
    )
    rules.define(
        "practice_hours_per_day",
        8,
        "int",
        _l("Enterprise practice: hours that make one practice day"),
        unconfirmed=True,
        level="city",
        minimum=1,
        maximum=24,
    )
    for kind, message in {
        "placement_submitted": _l(
            "%(teacher)s submitted enterprise practice at %(enterprise)s: please review it."
        ),
        "placement_withdrawn": _l(
            "%(teacher)s withdrew the enterprise practice at %(enterprise)s."
        ),
        "placement_approved": _l("Your enterprise practice at %(enterprise)s was approved."),
        "placement_rejected": _l(
            "Your enterprise practice at %(enterprise)s was rejected: %(reason)s"
        ),
        "placement_returned": _l(
            "Your enterprise practice at %(enterprise)s was returned for changes: %(reason)s"
        ),
        "placement_confirmed": _l(
            "%(enterprise)s confirmed the enterprise practice of %(teacher)s: it can be approved."
        ),
        "placement_declined": _l(
            "%(enterprise)s declined to confirm your enterprise practice: %(reason)s"
        ),
        "mentor_link_closed": _l(
            "The confirmation link of your enterprise practice at %(enterprise)s was closed after "
            "three wrong phone digits: check the mentor's phone number, then send a new link."
        ),
        "placement_to_confirm": _l(
            "Your enterprise practice at %(enterprise)s is submitted: send the confirmation link "
            "to your enterprise mentor."
        ),
        "placement_confirmed_yours": _l(
            "%(enterprise)s confirmed your enterprise practice: it now waits for the school's "
            "review."
        ),
        "job_requested": _l(
            "%(teacher)s asks for the school's consent to a part-time job at %(enterprise)s."
        ),
        "job_consented": _l("The school consented to your part-time job at %(enterprise)s."),
        "job_refused": _l("The school refused your part-time job at %(enterprise)s: %(reason)s"),
        "job_withdrawn": _l(
            "%(teacher)s withdrew the request for a part-time job at %(enterprise)s: nothing is "
            "left for you to do."
        ),
    }.items():
        notifications.register_kind(kind, message)
    notifications.register_kind(
        "practice_short",
        _l(
            "Your enterprise practice will be short a year from now: %(days)s of %(required)s "
            "days will still count. Plan a placement."
        ),
    )
    notifications.register_kind(
        "practice_digest",
        _l("%(count)s teachers of your school will be short of enterprise practice within a year."),
    )
    scheduler.register(
        "placements.daily",
        jobs.daily_reminders,
        "practice reminders; close expired mentor links",
        hour=6,
    )
    scheduler.register(
        "placements.weekly_digest",
        jobs.weekly_hr_digest,
        "HR digest of teachers short of practice",
        day_of_week="mon",
        hour=7,
    )


def profile_section(teacher, user):  # type: ignore[no-untyped-def]
    from . import ledger

    return "placements/_profile_section.html", {"practice": ledger.summary(teacher)}


def home_panel(user):  # type: ignore[no-untyped-def]
    """A teacher sees their practice progress. (What waits for HR is in the 待办, counted once,
    from the workflow's waits: no second count here to disagree with it.)"""
    from . import ledger

    if user.role == Role.TEACHER and user.teacher is not None:
        return "placements/_home_teacher.html", {"practice": ledger.summary(user.teacher)}
    return None

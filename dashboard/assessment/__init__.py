"""The counties' yearly assessment (plan article 二十): items as a dated rule, each county's
values, scores, total and rank, drilled to its schools; published (frozen, audited) with its
通报 PDF; interviews (约谈) with a county behind, whose commitments reach the county's 待办."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import imports as core_imports
from core import nav, notifications, rules, workflow
from core.models import Role


def init_app(app: Flask) -> None:
    from core import demo as core_demo

    from . import demo, figures_import, items, models, services  # noqa: F401  (the tables)
    from .api import api
    from .services import inbox
    from .views import bp

    rules.define(
        "county_assessment_items",
        items.DEFAULT_ITEMS,
        "json",
        _l("Counties' yearly assessment: the items (what each measures, its target and weight)"),
        unconfirmed=True,
        level="city",
        describe=items.describe,
        check=items.check,
    )
    core_imports.register(figures_import.FIGURES)
    workflow.register(services.ASSESSMENT_WORKFLOW, services.INTERVIEW_WORKFLOW)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    core_demo.register(demo.build)
    nav.register_inbox(inbox)
    for kind, message in {
        "assessment_published": _l("The %(year)s assessment of the counties is published: the "
                                   "ranking and the notice (通报) are ready."),
        "interview_recorded": _l("An interview (约谈) with %(county)s on %(held_on)s is on "
                                 "record: report what was done on each commitment."),
        "interview_reported": _l("%(county)s reported on its interview of %(held_on)s: review "
                                 "the report."),
        "interview_closed": _l("The city bureau closed the interview of %(held_on)s."),
        "interview_returned": _l("The city bureau returned the report on the interview of "
                                 "%(held_on)s: see its reason."),
    }.items():  # fmt: skip
        notifications.register_kind(kind, message)
    _audit_labels()
    nav.register(
        nav.NavItem(
            "assessment.index",
            _l("County assessment"),
            (Role.ADMIN, Role.BUREAU),
            _l("考核: each county's yearly assessment, its ranking, the notice and interviews."),
            order=6,
        )
    )


def _audit_labels() -> None:
    """How the assessment's records, steps and values read in the audit log."""
    from core import labels

    from .services import ASSESSMENT_WORKFLOW, INTERVIEW_WORKFLOW

    labels.register_actions({
        "assessment_figure_entered": _l("entered the assessment figure"),
        "assessment_figure_corrected": _l("corrected the assessment figure"),
        "assessment_published": _l("published"),
        "interview_recorded": _l("recorded"),
        "interview_reported": _l("reported on"),
        "interview_closed": _l("closed"),
        "interview_returned": _l("returned"),
        "commitment_updated": _l("recorded progress on"),
    })  # fmt: skip
    labels.register_kind(
        "CountyAssessment", _l("the county assessment"),
        fields={"results": _l("Frozen figures"), "published_at": _l("Published"),
                "published_by_id": _l("Published by")},
        values={"status": ASSESSMENT_WORKFLOW.states},
    )  # fmt: skip
    labels.register_kind(
        "ManualFigure", _l("the assessment figure"),
        fields={"value": _l("Value"), "evidence_id": _l("Evidence"), "note": _l("Note"),
                "entered_by_id": _l("Entered by")},
    )  # fmt: skip
    labels.register_kind(
        "Interview", _l("the interview (约谈)"), endpoint="assessment.interview_page",
        arg="interview_id",
        fields={"commitments": _l("Commitments"), "reported_at": _l("Reported")},
        values={"status": INTERVIEW_WORKFLOW.states},
    )  # fmt: skip
    labels.register_kind(
        "Commitment", _l("the interview commitment"),
        fields={"action": _l("What the county did"), "done_on": _l("Done on")},
    )  # fmt: skip

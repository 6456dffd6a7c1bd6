"""Digital literacy (教师数字素养, plan article 十五): assessment rounds, each teacher's result on
the five dimensions of JY/T 0646—2022, and the pass rate that enters each school's annual
assessment."""

from __future__ import annotations

from flask import Flask
from flask_babel import lazy_gettext as _l

from core import imports as core_imports
from core import nav, rules
from core.models import Role


def init_app(app: Flask) -> None:
    from core import demo as core_demo
    from core import notifications
    from teachers import profile

    from . import demo, imports, models  # noqa: F401  (the tables)
    from .api import api
    from .views import bp, profile_section

    rules.define(
        "literacy_pass_rule",
        {"total_min": 60, "dimension_share_min": 0.5},
        "json",
        _l("Digital literacy: the pass line (the lowest total of 100, and the lowest share of "
           "its maximum any one dimension may score)"),
        unconfirmed=True,
        level="city",
        describe=_describe_rule,
    )  # fmt: skip
    rules.define(
        "literacy_pass_rate_target",
        "1.00",
        "decimal",
        _l("Digital literacy: pass-rate target (达标性: every teacher who takes it)"),
        unconfirmed=True,
        level="city",
        minimum=0,
        maximum=1,
    )
    core_imports.register(imports.RESULTS)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    profile.register_section(profile_section)
    core_demo.register(demo.build)
    for kind, message in {
        "literacy_round_opened": _l("The digital-literacy round %(round)s is open: record your "
                                    "teachers' results by %(closes)s."),
        "literacy_passed": _l("Your digital-literacy result in %(round)s: %(total)s points, "
                              "passed."),
        "literacy_not_passed": _l("Your digital-literacy result in %(round)s: %(total)s points, "
                                  "not passed yet: your profile shows the dimension to work on."),
    }.items():  # fmt: skip
        notifications.register_kind(kind, message)
    _register_audit_labels()
    nav.register(
        nav.NavItem(
            "literacy.index",
            _l("Digital literacy"),
            (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN),
            _l("数字素养: assessment rounds, each teacher's result, the pass rate."),
            order=37,
        )
    )


def _register_audit_labels() -> None:
    """How rounds and results read in the audit log: a round's name is its name, not a
    person's (姓名), and each dimension by the standard's words."""
    from core import labels as core_labels

    from .labels import DIMENSION, TAKERS

    core_labels.register_actions({"literacy_recorded": _l("recorded"),
                                  "literacy_retaken": _l("recorded the retake of")})  # fmt: skip
    core_labels.register_kind(
        "LiteracyRound", _l("the digital-literacy round"), endpoint="literacy.round_page",
        arg="round_id",
        fields={"name": _l("Name of the round"), "takers": _l("Who takes it"),
                "opens_on": _l("Opens"), "closes_on": _l("Closes"),
                "maxima": _l("Highest scores"), **DIMENSION},
        values={"takers": TAKERS},
    )  # fmt: skip
    core_labels.register_kind(
        "LiteracyResult", _l("the digital-literacy result"),
        fields={"scores": _l("Scores"), "total": _l("Total score"), "passed": _l("Passed"),
                **DIMENSION},
    )  # fmt: skip


def _describe_rule(value: dict) -> list[str]:  # type: ignore[type-arg]
    from flask_babel import gettext as _

    return [
        _("A total of at least %(total)s", total=value.get("total_min")),
        _("No dimension below %(share)s%% of its maximum",
          share=int(float(value.get("dimension_share_min", 0)) * 100)),
    ]  # fmt: skip

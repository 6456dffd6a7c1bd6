"""The indicators in the JSON API."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import RAISE, Schema, fields, validate
from sqlalchemy import select

from core.api import ApiBlueprint, PageQuery
from core.api_v1 import TaskOut, task_json
from core.errors import ValidationFailed
from core.models import Role
from core.permissions import require
from core.timeutil import today

from . import plans, report, scopes
from .board import as_json, build
from .indicators import KEYS
from .indicators import schools as indicator_schools
from .models import IndicatorSnapshot
from .scopes import DASHBOARD_ROLES
from .snapshots import take

api = ApiBlueprint("dashboard_api", __name__)


def _scope() -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^(city|county:[A-Za-z0-9-]{1,20}|school:[A-Za-z0-9-]{1,20})$"),
        metadata={"description": "city, county:<code> or school:<code> (default: the user's own)"},
    )


def _period() -> fields.String:
    return fields.String(
        validate=validate.Regexp(r"^20[0-9]{2}(-20[0-9]{2})?$"),
        metadata={"description": "A plan such as 2023-2025, or a year such as 2026 (default: now)"},
    )


class IndicatorQuery(Schema):
    class Meta:
        unknown = RAISE

    scope = _scope()
    period = _period()


FIGURE_SCHEMA = {
    "type": "object",
    "required": ["value", "target", "numerator", "denominator", "status", "rule_version"],
    "properties": {
        "label": {"type": "string"},
        "value": {"type": "number", "description": "A ratio (0–1) or a count"},
        "target": {"type": "number", "nullable": True},
        "numerator": {"type": "integer"},
        "denominator": {"type": "integer", "nullable": True},
        "status": {"type": "string", "enum": ["met", "on_track", "behind"], "nullable": True},
        "status_label": {"type": "string", "nullable": True},
        "rule_version": {"type": "string", "nullable": True},
        "definition": {"type": "string"},
    },
}
RESPONSE_SCHEMA = {
    "type": "object",
    "required": ["scope", "period", "indicators"],
    "properties": {
        "scope": {"type": "string"},
        "scope_name": {"type": "string"},
        "period": {"type": "string"},
        "plan": {
            "type": "string",
            "nullable": True,
            "description": "The plan measured against; null when no plan covers the period",
        },
        "indicators": {
            "type": "object",
            "required": KEYS,
            "properties": {key: FIGURE_SCHEMA for key in KEYS},
            "additionalProperties": False,
        },
    },
}


@api.route(
    "/indicators",
    methods=["GET"],
    summary="The plan's indicators against their targets, for a scope and a period",
    tags=["dashboard"],
    query=IndicatorQuery,
    response=RESPONSE_SCHEMA,
)
def indicators(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in DASHBOARD_ROLES)
    return as_json(build(current_user, query.get("scope"), query.get("period")))


class ReportIn(Schema):
    class Meta:
        unknown = RAISE

    scope = _scope()
    period = _period()


@api.route(
    "/indicators/report",
    methods=["POST"],
    summary="Prepare the PDF report of a scope and period in the background",
    tags=["dashboard"],
    body=ReportIn,
    response=TaskOut,
    status=202,
)
def start_report(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in DASHBOARD_ROLES)
    board = build(current_user, body.get("scope"), body.get("period"))
    return task_json(report.start(current_user, board))


class SnapshotQuery(PageQuery):
    scope = _scope()
    key = fields.String(validate=validate.OneOf(KEYS), metadata={"description": "An indicator"})
    since = fields.Date(metadata={"description": "Taken on or after"})


class SnapshotOut(Schema):
    scope = fields.String(required=True)
    key = fields.String(required=True)
    on = fields.Date(required=True)
    numerator = fields.Integer(required=True)
    denominator = fields.Integer(allow_none=True)
    value = fields.Float(required=True)


class TakenOut(Schema):
    on = fields.Date(required=True)
    values = fields.Integer(required=True, metadata={"description": "Values stored"})


@api.route(
    "/snapshots",
    methods=["GET"],
    summary="Stored indicator values of a scope, oldest first (taken nightly)",
    tags=["dashboard"],
    query=SnapshotQuery,
    response=SnapshotOut,
    paged=True,
)
def snapshots(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role in DASHBOARD_ROLES)
    rows = indicator_schools()
    scope = scopes.find(query.get("scope"), current_user, rows)
    if scope is None:
        raise ValidationFailed({"scope": _("No such county or school.")})
    require(scopes.may_see(current_user, scope, rows))
    statement = select(IndicatorSnapshot).where(IndicatorSnapshot.scope == scope.key)
    if query.get("key"):
        statement = statement.where(IndicatorSnapshot.key == query["key"])
    if query.get("since"):
        statement = statement.where(IndicatorSnapshot.on >= query["since"])
    return statement.order_by(IndicatorSnapshot.on, IndicatorSnapshot.key, IndicatorSnapshot.id)


@api.route(
    "/snapshots",
    methods=["POST"],
    summary="Take today's snapshot of every indicator now (administrators; safe to repeat)",
    tags=["dashboard"],
    response=TakenOut,
    status=201,
)
def take_snapshot():  # type: ignore[no-untyped-def]
    require(current_user.role == Role.ADMIN)
    return {"on": today(), "values": take()}


class PlanOut(Schema):
    name = fields.String(required=True, metadata={"description": "e.g. 2023-2025"})
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    targets = fields.Dict(
        keys=fields.String(), values=fields.String(), required=True,
        metadata={"description": "Indicator key → target (a ratio as 0.90, a count as 5000)"},
    )  # fmt: skip


class PlansOut(Schema):
    plans = fields.List(fields.Nested(PlanOut), required=True)


def _plan_json(plan: Any) -> dict[str, Any]:
    return {"name": plan.name, "start": plan.start, "end": plan.end,
            "targets": {k: str(v) for k, v in plan.targets.items()}}  # fmt: skip


class PlanIn(Schema):
    class Meta:
        unknown = RAISE

    first_year = fields.Integer(required=True, validate=validate.Range(2000, 2100))
    last_year = fields.Integer(required=True, validate=validate.Range(2000, 2110))
    note = fields.String(load_default="", validate=validate.Length(max=200))
    targets = fields.Nested(
        Schema.from_dict(
            {i.key: fields.String(load_default=None, allow_none=True) for i in plans.TARGETED},
            name="PlanTargets",
        )(unknown=RAISE),
        required=True,
        metadata={"description": "A target per indicator; ratios in percent (90 for 90%)"},
    )


@api.route("/dashboard/plans", methods=["GET"], summary="The plans and their targets",
           response=PlansOut)  # fmt: skip
def list_plans():  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.ADMIN, Role.BUREAU))
    return {"plans": [_plan_json(p) for p in plans.plans()]}


@api.route(
    "/dashboard/plans",
    methods=["POST"],
    summary="Enter the next plan (administrator): its years and targets, as a rule version",
    body=PlanIn,
    response=PlanOut,
    status=201,
)
def add_plan(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.ADMIN)
    data = {"first_year": body["first_year"], "last_year": body["last_year"],
            "note": body["note"], **{k: v for k, v in body["targets"].items() if v}}  # fmt: skip
    return _plan_json(plans.add_plan(data, current_user))

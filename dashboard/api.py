"""The indicators in the JSON API."""

from __future__ import annotations

from flask import jsonify, request
from flask_login import current_user

from core.api import ApiBlueprint
from core.permissions import require

from .board import as_json, build
from .indicators import KEYS
from .scopes import DASHBOARD_ROLES

api = ApiBlueprint("dashboard_api", __name__)

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
        "plan": {"type": "string"},
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
    params={
        "scope": "city, county:<code> or school:<code> (default: the user's own)",
        "period": "A plan such as 2023-2025, or a year such as 2026 (default: this year)",
    },
    responses={"200": "The indicators", "403": "Beyond the user's reach"},
    schema=RESPONSE_SCHEMA,
)
def indicators():  # type: ignore[no-untyped-def]
    require(current_user.role in DASHBOARD_ROLES)
    board = build(current_user, request.args.get("scope"), request.args.get("period"))
    return jsonify(as_json(board))

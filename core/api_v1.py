"""Core endpoints of the JSON API: who am I, the schools, and the OpenAPI document."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_login import current_user

from . import org
from .api import ApiBlueprint, openapi_document, paginated
from .models import School, User

api = ApiBlueprint("core_api", __name__)


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "name": user.display_name,
        "role": user.role,
        "school": user.school.code if user.school else None,
        "county": user.county.code if user.county else None,
        "locale": user.locale,
    }


def school_json(school: School) -> dict:
    return {
        "id": school.id,
        "code": school.code,
        "name": school.name,
        "type": school.type,
        "founder": school.founder,
        "county": {"code": school.county.code, "name": school.county.name},
        "enrollments": [{"year": e.year, "students": e.students} for e in school.enrollments],
    }


@api.route("/me", methods=["GET"], summary="The signed-in user", tags=["accounts"])
def me():  # type: ignore[no-untyped-def]
    return jsonify(user_json(current_user))


@api.route(
    "/schools",
    methods=["GET"],
    summary="Schools visible to the user",
    tags=["schools"],
    params={"page": "Page number", "per_page": "Items per page (≤ 200)"},
)
def schools():  # type: ignore[no-untyped-def]
    return paginated(org.visible_schools(current_user), school_json)


@api.route("/openapi.json", methods=["GET"], summary="This document", tags=["meta"], public=True)
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document(current_app))

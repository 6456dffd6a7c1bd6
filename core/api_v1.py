"""Core endpoints of the JSON API: who am I, the schools, background tasks, and the OpenAPI
document."""

from __future__ import annotations

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user

from . import org
from .api import ApiBlueprint, openapi_document, paginated
from .errors import NotFound
from .models import School, User
from .views.tasks import downloadable, own_task, own_tasks_query, send_task_file, task_state

api = ApiBlueprint("core_api", __name__)
API_FILE = "core_api.task_file"


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


@api.route(
    "/tasks",
    methods=["GET"],
    summary="The user's background tasks, newest first",
    tags=["tasks"],
    params={"page": "Page number", "per_page": "Items per page (≤ 200)"},
)
def tasks():  # type: ignore[no-untyped-def]
    return paginated(own_tasks_query(), lambda t: task_state(t, API_FILE))


@api.route(
    "/tasks/<int:task_id>",
    methods=["GET"],
    summary="One background task: progress, outcome, download link",
    tags=["tasks"],
    responses={"404": "No such task of this user"},
)
def task(task_id: int):  # type: ignore[no-untyped-def]
    return jsonify(task_state(own_task(task_id), API_FILE))


@api.route(
    "/tasks/<int:task_id>/file",
    methods=["GET"],
    summary="The file a finished task made (kept 7 days)",
    tags=["tasks"],
    responses={"200": "The file", "404": "No such task, or its file is gone"},
)
def task_file(task_id: int):  # type: ignore[no-untyped-def]
    found = own_task(task_id)
    if not downloadable(found):
        raise NotFound(_("This task has no file to download (any more)."))
    return send_task_file(found)

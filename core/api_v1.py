"""Core endpoints of the JSON API: who am I, the schools and their enrolment, background tasks,
and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from flask import current_app, jsonify
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from . import notifications, org, seals
from . import tasks as tasks_service
from .api import ApiBlueprint, SyncQuery, openapi_document
from .db import sync_order
from .errors import NotFound, ValidationFailed
from .excel import XLSX
from .forms import EnrollmentForm, SchoolForm
from .models import Role, School
from .permissions import can_edit_school, can_view_school, require
from .schemas import ApiSchema, Code, Computed, Label, Timestamp, Upload, form_schema, length
from .views.tasks import downloadable, own_task, own_tasks_query, send_task_file, task_state

api = ApiBlueprint("core_api", __name__)
API_FILE = "core_api.task_file"
NULLABLE_TEXT = {"type": "string", "nullable": True}


class UserOut(ApiSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(attribute="display_name", required=True)
    role = fields.String(required=True)
    school = Computed(lambda u: u.school.code if u.school else None, NULLABLE_TEXT)
    county = Computed(lambda u: u.county.code if u.county else None, NULLABLE_TEXT)
    locale = fields.String(allow_none=True)


class CountyOut(ApiSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)


class EnrollmentOut(ApiSchema):
    year = fields.Integer(required=True)
    students = fields.Integer(required=True)


class SchoolOut(ApiSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    type = Code(org.SCHOOL_TYPE_LABELS, required=True)
    type_label = Label(org.SCHOOL_TYPE_LABELS)
    founder = Code(org.FOUNDER_LABELS, required=True)
    founder_label = Label(org.FOUNDER_LABELS)
    county = fields.Nested(CountyOut, required=True)
    enrollments = fields.List(fields.Nested(EnrollmentOut), required=True)
    updated_at = Timestamp(required=True, metadata={"description": "Last change (UTC)"})


SchoolIn = form_schema(
    SchoolForm,
    "SchoolIn",
    exclude=["county_id"],
    extra={
        "county": fields.String(
            required=True, validate=length(max=20), metadata={"description": "County code"}
        )
    },
)
EnrollmentIn = form_schema(EnrollmentForm, "EnrollmentIn")


class TaskOut(ApiSchema):
    """A background task, as `task_state` describes it."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    kind_label = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.String(required=True)
    status_label = fields.String(required=True)
    done = fields.Integer(required=True)
    total = fields.Integer(allow_none=True)
    percent = fields.Integer(allow_none=True)
    attempts = fields.Integer(required=True)
    error = fields.String(allow_none=True)
    file_name = fields.String(allow_none=True)
    download_url = fields.String(allow_none=True)
    created_at = fields.String(required=True, metadata={"format": "date-time"})
    finished_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    expires_at = fields.String(allow_none=True, metadata={"format": "date-time"})


def task_json(task: Any) -> dict[str, Any]:
    return task_state(task, API_FILE)


@api.route(
    "/me", methods=["GET"], summary="The signed-in user", tags=["accounts"], response=UserOut
)
def me():  # type: ignore[no-untyped-def]
    return current_user


@api.route(
    "/schools",
    methods=["GET"],
    summary="Schools visible to the user",
    tags=["schools"],
    query=SyncQuery,
    response=SchoolOut,
    paged=True,
)
def schools(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    statement = org.visible_schools(current_user).order_by(None)
    if query.get("updated_since") is None:
        statement = statement.order_by(School.code)
    return sync_order(statement, School, query.get("updated_since"))


def _school_data(body: dict[str, Any]) -> dict[str, Any]:
    county = org.county_by_code(body.pop("county"))
    if county is None:
        raise ValidationFailed({"county": _("Choose a county.")})
    return {**body, "county_id": county.id}


@api.route(
    "/schools",
    methods=["POST"],
    summary="Add a school (administrators)",
    tags=["schools"],
    body=SchoolIn,
    response=SchoolOut,
    status=201,
    errors={409: "The code or name is taken, or the county unknown (`rule_violated`)"},
)
def create_school(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    require(current_user.role == Role.ADMIN)
    return org.create_school(_school_data(body), current_user)


def _school(code: str) -> School:
    school = org.school_by_code(code)
    if school is None:
        raise NotFound(_("No such school."))
    require(can_view_school(current_user, school))
    return school


@api.route(
    "/schools/<code>", methods=["GET"], summary="One school", tags=["schools"], response=SchoolOut
)
def school(code: str):  # type: ignore[no-untyped-def]
    return _school(code)


@api.route(
    "/schools/<code>",
    methods=["PUT"],
    summary="Change a school's code, name, type, founder or county (administrators)",
    tags=["schools"],
    body=SchoolIn,
    response=SchoolOut,
    errors={409: "The code or name is taken, or the county unknown (`rule_violated`)"},
)
def edit_school(code: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    found = _school(code)
    require(current_user.role == Role.ADMIN)
    return org.update_school(found, _school_data(body), current_user)


@api.route(
    "/schools/<code>/enrollments",
    methods=["PUT"],
    summary="Set the enrolment of one school year (administrators; HR for their own school)",
    tags=["schools"],
    body=EnrollmentIn,
    response=SchoolOut,
)
def set_enrollment(code: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    found = _school(code)
    require(can_edit_school(current_user, found.id))
    org.set_enrollment(found, body["year"], body["students"], current_user)
    return found


@api.route("/openapi.json", methods=["GET"], summary="This document", tags=["meta"], public=True)
def openapi():  # type: ignore[no-untyped-def]
    return jsonify(openapi_document(current_app))


@api.route(
    "/tasks",
    methods=["GET"],
    summary="The user's background tasks, newest first",
    tags=["tasks"],
    response=TaskOut,
    paged=True,
)
def tasks():  # type: ignore[no-untyped-def]
    return own_tasks_query(), task_json


@api.route(
    "/tasks/<int:task_id>",
    methods=["GET"],
    summary="One background task: progress, outcome, download link",
    tags=["tasks"],
    response=TaskOut,
)
def task(task_id: int):  # type: ignore[no-untyped-def]
    return task_json(own_task(task_id))


@api.route(
    "/tasks/<int:task_id>/file",
    methods=["GET"],
    summary="The file a finished task made (kept 7 days): a workbook, a PDF or a ZIP",
    tags=["tasks"],
    produces=(XLSX, "application/pdf", "application/zip"),
)
def task_file(task_id: int):  # type: ignore[no-untyped-def]
    found = own_task(task_id)
    if not downloadable(found):
        raise NotFound(_("This task has no file to download (any more)."))
    return send_task_file(found)


@api.route(
    "/tasks/<int:task_id>/retry",
    methods=["POST"],
    summary="Start a failed task again from the beginning",
    tags=["tasks"],
    response=TaskOut,
    errors={409: "Only a task that failed can be started again"},
)
def task_retry(task_id: int):  # type: ignore[no-untyped-def]
    found = own_task(task_id)
    tasks_service.retry(found, current_user)
    return task_json(found)


class NotificationOut(ApiSchema):
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    text = Computed(notifications.text_of, {"type": "string"})
    link = fields.String(allow_none=True, metadata={"description": "Where the reader acts"})
    created_at = Timestamp(required=True)
    read_at = Timestamp(allow_none=True)


@api.route(
    "/notifications",
    methods=["GET"],
    summary="The user's notifications (hand-overs), newest first, in their language",
    tags=["accounts"],
    response=NotificationOut,
    paged=True,
)
def notification_list():  # type: ignore[no-untyped-def]
    return notifications.own(current_user)


@api.route(
    "/notifications/read",
    methods=["POST"],
    summary="Mark all of the user's notifications read",
    tags=["accounts"],
    status=204,
)
def notifications_read():  # type: ignore[no-untyped-def]
    notifications.mark_all_read(current_user)


class SealIn(ApiSchema):
    file = Upload(
        required=True,
        metadata={"description": "PNG with a transparent background, at most 2 MB"},
    )


class SealOut(ApiSchema):
    issuer = fields.String(
        required=True, metadata={"description": "city, county:<code> or school:<code>"}
    )
    issuer_name = Computed(lambda s: seals.issuer_name(s.issuer), {"type": "string"})
    uploaded_at = Timestamp(required=True)
    uploaded_by = Computed(lambda s: str(s.uploaded_by) if s.uploaded_by else None, NULLABLE_TEXT)


def _seal_issuer(issuer: str) -> str:
    key, _school, _county = seals.resolve(issuer)
    require(seals.can_manage(current_user, key))
    return key


@api.route(
    "/seals/<issuer>",
    methods=["GET"],
    summary="An issuing body's seal (its own people and administrators)",
    tags=["schools"],
    response=SealOut,
)
def get_seal(issuer: str):  # type: ignore[no-untyped-def]
    return seals.find(_seal_issuer(issuer)) or _no_seal()


def _no_seal():  # type: ignore[no-untyped-def]
    raise NotFound(_("No seal has been uploaded."))


@api.route(
    "/seals/<issuer>",
    methods=["PUT"],
    summary="Upload or replace an issuing body's seal, printed over its name on its documents",
    tags=["schools"],
    multipart=SealIn,
    response=SealOut,
)
def put_seal(issuer: str, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    return seals.save(_seal_issuer(issuer), form["file"], current_user)


@api.route(
    "/seals/<issuer>",
    methods=["DELETE"],
    summary="Remove an issuing body's seal (documents show the empty seal area again)",
    tags=["schools"],
    status=204,
)
def delete_seal(issuer: str):  # type: ignore[no-untyped-def]
    seals.remove(_seal_issuer(issuer), current_user)

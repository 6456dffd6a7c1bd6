"""The imports in the JSON API: the kinds a caller may import, their templates, and the upload
(a dry run unless `dry_run=false`), answered like the page's preview."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from . import import_runs, imports
from .api import ApiBlueprint
from .errors import NotFound, PermissionDenied, ValidationFailed, note_refusal
from .excel import download
from .models import School
from .schemas import ApiSchema, Upload

api = ApiBlueprint("imports_api", __name__)


class KindOut(ApiSchema):
    kind = fields.String(required=True)
    label = fields.String(required=True)
    template_url = fields.String(required=True)
    key_columns = fields.List(fields.String(), required=True)
    columns = fields.List(fields.String(), required=True)
    per_school = fields.Boolean(required=True)


class KindsOut(ApiSchema):
    kinds = fields.List(fields.Nested(KindOut), required=True)


class ImportIn(ApiSchema):
    file = Upload(required=True, metadata={"description": "The filled-in template: .xlsx, .xls, "
                                                      ".ods or CSV (UTF-8 or GBK)"})  # fmt: skip
    school = fields.String(
        load_default=None,
        metadata={"description": "The school's code, for a kind imported per school (when the "
                  "caller has several schools)"},
    )  # fmt: skip
    dry_run = fields.String(
        load_default="true",
        validate=validate.OneOf(["true", "false"]),
        metadata={"description": "`true` (the default): check and report, write nothing"},
    )
    attachments = Upload(
        load_default=None,
        metadata={"description": "For a kind that takes them: the documents the rows name, in "
                  "one .zip (the figures' evidence)"},
    )  # fmt: skip
    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=100_000),
        metadata={"description": "Which page of 50 of the rows created or updated to list"},
    )


class ProblemOut(ApiSchema):
    row = fields.Integer(required=True)
    column = fields.String(required=True)
    message = fields.String(required=True)


class ChangeOut(ApiSchema):
    column = fields.String(required=True, metadata={"description": "The sheet's header"})
    before = fields.String(required=True, metadata={"description": "Now (— when blank)"})
    after = fields.String(required=True, metadata={"description": "In the file"})


class RowOut(ApiSchema):
    row = fields.Integer(required=True, metadata={"description": "The sheet's row number"})
    action = fields.String(required=True, validate=validate.OneOf(["created", "updated"]))
    record = fields.String(required=True, metadata={"description": "The row's key columns"})
    changes = fields.List(fields.Nested(ChangeOut), required=True)


class OutcomeOut(ApiSchema):
    kind = fields.String(required=True)
    dry_run = fields.Boolean(required=True)
    created = fields.Integer(required=True)
    updated = fields.Integer(required=True)
    unchanged = fields.Integer(required=True)
    errors = fields.List(fields.Nested(ProblemOut), required=True)
    rows = fields.List(
        fields.Nested(RowOut),
        required=True,
        metadata={"description": "A page of the rows created or updated, with what changes"},
    )
    rows_total = fields.Integer(required=True)
    page = fields.Integer(required=True)


def _kind(key: str) -> imports.Kind:
    kind = imports.KINDS.get(key)
    if kind is None:
        raise NotFound(_("No such kind of import."))
    if not kind.may_import(current_user):
        raise PermissionDenied(_("You may not import these records."))
    return kind


@api.route("/imports", methods=["GET"], summary="The kinds of record the caller may import",
           response=KindsOut)  # fmt: skip
def kinds():  # type: ignore[no-untyped-def]
    return {
        "kinds": [
            {"kind": k.key, "label": str(k.label),
             "template_url": url_for("imports_api.template", key=k.key, _external=True),
             "key_columns": k.key_headers, "columns": k.headers,
             "per_school": k.schools is not None}
            for k in imports.kinds_for(current_user)
        ]
    }  # fmt: skip


@api.route(
    "/imports/<key>/template",
    methods=["GET"],
    summary="The kind's template workbook (headers, drop-downs, instructions with an example)",
    produces="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
def template(key: str):  # type: ignore[no-untyped-def]
    kind = _kind(key)
    return download(imports.template(kind), f"{kind.sheet}模板.xlsx")


def _school(kind: imports.Kind, code: str | None) -> School | None:
    if kind.schools is None:
        return None
    schools = kind.schools(current_user)
    if not code:
        if len(schools) != 1:
            raise ValidationFailed({"school": _("Give the school's code.")})
        return schools[0]
    school = next((s for s in schools if s.code == code), None)
    if school is None:
        raise ValidationFailed({"school": _("Not one of your schools.")})
    return school


@api.route(
    "/imports/<key>",
    methods=["POST"],
    summary="Check a workbook (dry run, the default) or import it: all rows or none",
    description="200 with what was (or would be) created, updated and left unchanged; 400 with "
    "the same body listing every problem by row and column (nothing written); 202 with the task "
    "to follow when a large confirmed import runs in the background.",
    multipart=ImportIn,
    response=OutcomeOut,
)
def upload(key: str, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    kind = _kind(key)
    school = _school(kind, form["school"])
    data = form["file"].read()
    taken = kind.attachments is not None and form["attachments"] is not None
    files = form["attachments"].read() if taken else None
    dry_run = form["dry_run"] != "false"
    if not dry_run and import_runs.is_large(io.BytesIO(data)):
        checked = imports.run(kind, io.BytesIO(data), current_user, school, dry_run=True,
                              page=form["page"], attachments=files)  # fmt: skip
        if not checked.ok:
            return _refused(checked)
        staged = import_runs.staged(
            import_runs.stage(data, kind, school, current_user, form["file"].filename or "", files),
            current_user,
        )
        task = import_runs.start(staged, current_user)
        body = checked.as_json() | {
            "dry_run": False,
            "task": task.id,
            "task_url": url_for("core_api.task", task_id=task.id),
        }
        answer = jsonify(body)
        answer.status_code = 202
        return answer
    outcome = imports.run(
        kind, io.BytesIO(data), current_user, school, dry_run=dry_run,
        filename=form["file"].filename or "", page=form["page"], attachments=files,
    )  # fmt: skip
    if not outcome.ok:
        return _refused(outcome)
    return outcome.as_json()


def _refused(outcome: imports.Outcome) -> Response:
    """400 with the outcome's own body (every problem): nothing was written."""
    note_refusal()
    answer = jsonify(OutcomeOut().dump(outcome.as_json()))
    answer.status_code = 400
    return answer

"""JSON API plumbing under /api/v1: Bearer tokens, JSON errors, pagination, form validation for
JSON bodies, and the OpenAPI document built from the documented routes.

Each domain makes its own `ApiBlueprint` and documents every route with `@api.route(...,
summary=...)`; a test checks that the document and the registered routes agree.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Unauthorized
from wtforms import Form

from .accounts import user_for_token
from .db import SAFE_METHODS, paginate
from .errors import NotFound, ValidationFailed
from .extensions import csrf, db
from .forms import formdata_from
from .permissions import require

PREFIX = "/api/v1"
PUBLIC_ATTR = "_api_public"
DOC_ATTR = "_openapi"


class ApiBlueprint(Blueprint):
    """A blueprint under /api/v1 whose routes need a Bearer token unless marked public."""

    def __init__(self, name: str, import_name: str) -> None:
        super().__init__(name, import_name, url_prefix=PREFIX)
        csrf.exempt(self)  # tokens, not cookies: no CSRF to defend against
        self.before_request(_authenticate)

    def route(  # type: ignore[override]
        self,
        rule: str,
        *,
        methods: list[str],
        summary: str,
        tags: list[str] | None = None,
        public: bool = False,
        params: dict[str, str] | None = None,
        body: dict[str, Any] | None = None,
        responses: dict[str, str] | None = None,
        schema: dict[str, Any] | None = None,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        parent = super().route

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            setattr(fn, PUBLIC_ATTR, public)
            doc = getattr(fn, DOC_ATTR, {})
            for method in methods:
                doc[method.lower()] = {
                    "summary": summary,
                    "tags": tags or [self.name.removesuffix("_api")],
                    "params": params or {},
                    "body": body,
                    "responses": responses or {},
                    "schema": schema,
                    "public": public,
                }
            setattr(fn, DOC_ATTR, doc)
            return parent(rule, methods=methods)(fn)

        return decorator


def _authenticate() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    header = request.headers.get("Authorization", "")
    user = None
    if header.startswith("Bearer "):
        user = user_for_token(header[7:].strip(), touch=request.method not in SAFE_METHODS)
    # The API never trusts the session cookie: a page's cookie must not authorise API writes.
    g._login_user = user
    if user is None and not getattr(view, PUBLIC_ATTR, False):
        raise Unauthorized()


def page_args() -> tuple[int, int]:
    errors = {}
    try:
        page = int(request.args.get("page", 1))
        if page < 1:
            raise ValueError
    except ValueError:
        errors["page"] = _("Must be a whole number of at least 1.")
        page = 1
    try:
        per_page = int(request.args.get("per_page", 25))
        if not 1 <= per_page <= 200:
            raise ValueError
    except ValueError:
        errors["per_page"] = _("Must be a whole number from 1 to 200.")
        per_page = 25
    if errors:
        raise ValidationFailed(errors)
    return page, per_page


def paginated(query: Select[Any], serialize: Callable[[Any], dict[str, Any]]):  # type: ignore[no-untyped-def]
    page, per_page = page_args()
    result = paginate(query, page=page, per_page=per_page, error_out=False, exact=True)
    return jsonify(
        {
            "items": [serialize(item) for item in result.items],
            "page": page,
            "per_page": per_page,
            "total": result.total,
        }
    )


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ValidationFailed({}, _("Send a JSON object in the request body."))
    return data


MAX_ID = 2**31 - 1


def record_id(value: Any, field: str, *, required: bool = True) -> int | None:
    """An id from a JSON body or a query string, checked before it reaches a query: a whole
    number the database can hold, or a field error naming `field`."""
    if value is None or value == "":
        if required:
            raise ValidationFailed({field: _("This field is required.")})
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed({field: _("Give the record's id, a whole number.")})
    try:
        number = int(value)
    except ValueError:
        raise ValidationFailed({field: _("Give the record's id, a whole number.")}) from None
    if not 0 < number <= MAX_ID:
        raise ValidationFailed({field: _("No such record.")})
    return number


def id_list(value: Any, field: str) -> list[int]:
    """A list of record ids from a JSON body (absent: an empty list)."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationFailed({field: _("Send a list of record ids.")})
    return [record_id(v, field) for v in value]  # type: ignore[misc]


def text_value(value: Any, field: str, *, max_length: int = 200) -> str:
    """A short text (a code, a reason) from a JSON body: a string or a number, never a list."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValidationFailed({field: _("Send text here.")})
    text = str(value).strip()
    if len(text) > max_length:
        raise ValidationFailed({field: _("At most %(n)d characters.", n=max_length)})
    return text


def _as_form_value(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, bool):
        return ["y"] if value else []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]


def validate_json(form_class: type[Form], data: dict[str, Any], obj: Any = None) -> Form:
    """Validate a JSON body with the same WTForms form the HTML page uses.

    With `obj` (PATCH), fields absent from `data` keep the object's current values.
    Unknown fields are refused, so a typo is not silently ignored.
    """
    probe = form_class(formdata=None, meta={"csrf": False})
    known = {name for name in probe._fields}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ValidationFailed({name: _("Unknown field.") for name in unknown})
    formdata = formdata_from(form_class, obj, skip=data) if obj is not None else MultiDict()
    for name, value in data.items():
        formdata.setlist(name, _as_form_value(value))
    form = form_class(formdata=formdata, meta={"csrf": False})
    if not form.validate():
        raise ValidationFailed({name: [str(e) for e in errs] for name, errs in form.errors.items()})
    return form


# --- OpenAPI ----------------------------------------------------------------------------------


def _path_params(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    path = rule
    for converter_and_name in rule.split("<")[1:]:
        inner = converter_and_name.split(">")[0]
        conv, _sep, name = inner.rpartition(":")
        params.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "schema": {"type": "integer" if conv == "int" else "string"},
            }
        )
        path = path.replace(f"<{inner}>", "{" + name + "}")
    return path, params


def openapi_document(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(PREFIX):
            continue
        doc = getattr(app.view_functions[rule.endpoint], DOC_ATTR, None)
        if not doc:
            continue
        path, path_params = _path_params(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            meta = doc.get(method.lower())
            if meta is None:
                continue
            operation: dict[str, Any] = {
                "operationId": f"{rule.endpoint}.{method.lower()}",
                "summary": meta["summary"],
                "tags": meta["tags"],
                "parameters": path_params
                + [
                    {
                        "name": n,
                        "in": "query",
                        "required": False,
                        "description": d,
                        "schema": {"type": "string"},
                    }
                    for n, d in meta["params"].items()
                ],
                "responses": {
                    "200": {
                        "description": meta["responses"].get("200", "OK"),
                        **(
                            {"content": {"application/json": {"schema": meta["schema"]}}}
                            if meta.get("schema")
                            else {}
                        ),
                    },
                    **{
                        code: {"description": text, "content": _error_content()}
                        for code, text in meta["responses"].items()
                        if code != "200"
                    },
                    "400": {"description": "Validation error", "content": _error_content()},
                },
            }
            if not meta["public"]:
                operation["security"] = [{"bearer": []}]
                operation["responses"]["401"] = {
                    "description": "Missing or invalid token",
                    "content": _error_content(),
                }
                operation["responses"]["403"] = {
                    "description": "Not allowed for this user",
                    "content": _error_content(),
                }
            if meta["body"]:
                operation["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": meta["body"]}},
                }
            paths.setdefault(path.removeprefix(PREFIX) or "/", {})[method.lower()] = operation
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Shuangshi API",
            "version": "1",
            "description": "Teachers, placements, appointments, competitions and recognitions "
            "of Wenzhou's vocational schools. Authenticate with `Authorization: Bearer <token>`.",
        },
        "servers": [{"url": PREFIX}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "Error": {
                    "type": "object",
                    "properties": {
                        "error": {
                            "type": "object",
                            "required": ["code", "message"],
                            "properties": {
                                "code": {"type": "string"},
                                "message": {"type": "string"},
                                "fields": {
                                    "type": "object",
                                    "additionalProperties": {
                                        "type": "array",
                                        "items": {"type": "string"},
                                    },
                                },
                            },
                        }
                    },
                }
            },
        },
        "paths": paths,
    }


def _error_content() -> dict[str, Any]:
    return {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def get_visible(
    model: type[Any],
    record_id: int,
    message: str,
    can_view: Callable[[Any, Any], bool] | None = None,
) -> Any:
    """The record, or a JSON 404 with `message`; a 403 when `can_view(user, record)` says no."""
    record = db.session.get(model, record_id)
    if record is None:
        raise NotFound(message)
    if can_view is not None:
        require(can_view(current_user, record))
    return record

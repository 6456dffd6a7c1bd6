"""JSON API plumbing under /api/v1: Bearer tokens, schemas that validate requests and serialize
answers (`core.schemas`), pagination, JSON errors, and the OpenAPI document (`core.openapi`).

Each domain makes its own `ApiBlueprint` and declares every route's schemas once with
`@api.route(..., summary=, query=, body=, multipart=, response=)`; schemathesis checks in the
suite that the routes keep what the document says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import EXCLUDE, Schema, ValidationError, fields
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import Unauthorized
from wtforms import Form, StringField

from .accounts import user_for_token
from .db import SAFE_METHODS, paginate
from .errors import NotFound, RuleViolated, ValidationFailed
from .extensions import csrf, db
from .forms import formdata_from
from .permissions import require
from .schemas import MAX_ID, PageQuery, body_required, field_messages

PREFIX = "/api/v1"
PUBLIC_ATTR = "_api_public"
DOC_ATTR = "_openapi"


class ApiBlueprint(Blueprint):
    """A blueprint under /api/v1 whose routes need a Bearer token unless marked public.

    Each route declares its schemas once, and they do three things: `query` and `body` validate
    the request (a 400 naming each field), `response` serializes what the view returns, and all of
    them describe the operation in the OpenAPI document. A view gets the loaded `query`/`body` as
    keyword arguments and returns a record (or a select statement, with `paged=True`).
    """

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
        description: str = "",
        tags: list[str] | None = None,
        public: bool = False,
        query: type[Schema] | None = None,
        body: type[Schema] | None = None,
        multipart: type[Schema] | None = None,
        response: type[Schema] | dict[str, Any] | None = None,
        paged: bool = False,
        status: int = 200,
        errors: dict[int, str] | None = None,
        produces: str | tuple[str, ...] = "application/json",
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        parent = super().route

        def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
            spec = Operation(
                summary=summary,
                description=description,
                tags=tags or [self.name.removesuffix("_api")],
                public=public,
                query=query,
                body=body,
                multipart=multipart,
                response=response,
                paged=paged,
                status=status,
                errors=errors or {},
                produces=produces,
            )

            @wraps(fn)
            def view(**kwargs: Any) -> Any:
                return _call(fn, spec, kwargs)

            setattr(view, PUBLIC_ATTR, public)
            doc = getattr(fn, DOC_ATTR, {})
            for method in methods:
                doc[method.lower()] = spec
            setattr(view, DOC_ATTR, doc)
            return parent(rule, methods=methods)(view)

        return decorator


@dataclass(frozen=True)
class Operation:
    summary: str
    description: str
    tags: list[str]
    public: bool
    query: type[Schema] | None
    body: type[Schema] | None
    multipart: type[Schema] | None
    response: type[Schema] | dict[str, Any] | None
    paged: bool
    status: int
    errors: dict[int, str]
    produces: str | tuple[str, ...]  # a file's content types, each documented


def _query_args(schema: type[Schema]) -> dict[str, Any]:
    """The query string as the schema reads it; a parameter it does not know is refused, so a
    misspelt filter (`?stauts=`) is an error rather than a silently unfiltered list."""
    declared = schema().fields
    return {
        name: request.args.getlist(name)
        if isinstance(declared.get(name), fields.List)
        else request.args.get(name)
        for name in request.args
    }


def without_nul(value: Any) -> Any:
    """A JSON body with its NUL characters taken out, as `core.security.CleanRequest` does for
    query strings and forms: they mean nothing in a name or a note, and PostgreSQL refuses them."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, dict):
        return {without_nul(k): without_nul(v) for k, v in value.items()}
    if isinstance(value, list):
        return [without_nul(v) for v in value]
    return value


def _body_of(schema: type[Schema]) -> dict[str, Any]:
    """The JSON object sent; a step whose fields are all optional may be posted with no body."""
    if not request.get_data(cache=True) and not body_required(schema):
        return {}
    return json_body()


def _call(fn: Callable[..., Any], spec: Operation, kwargs: dict[str, Any]) -> Any:
    for value in kwargs.values():
        if isinstance(value, int) and not 0 < value <= MAX_ID:
            raise NotFound(_("No such record."))
    try:
        if spec.query is not None:
            kwargs["query"] = spec.query().load(_query_args(spec.query))
        elif spec.paged:
            PageQuery().load(_query_args(PageQuery))  # a list's only parameters: refuse others
        if spec.body is not None:
            # Validated as sent (the document's lengths count what was sent), then its NUL
            # characters taken out: "\x00" is a well-formed name, refused by the rules if empty.
            kwargs["body"] = without_nul(spec.body().load(_body_of(spec.body)))
        if spec.multipart is not None:
            parts = {**request.form.to_dict(), **request.files.to_dict()}
            kwargs["form"] = spec.multipart().load(parts)
    except ValidationError as err:
        raise ValidationFailed(field_messages(err)) from None
    try:
        result = fn(**kwargs)
    except RuleViolated:
        raise
    except ValidationFailed as err:
        # The request matched the document; what refused it is a rule, not its shape.
        raise RuleViolated(err.fields, err.message) from None
    if isinstance(result, Response):
        return result
    if spec.status == 204:
        return Response(status=204)
    if spec.paged:
        return _page(result, spec.response)  # type: ignore[arg-type]
    if isinstance(spec.response, type):
        return jsonify(spec.response().dump(result)), spec.status
    return jsonify(result), spec.status


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


class SyncQuery(PageQuery):
    """A list another system syncs from: `updated_since` keeps the records changed since then,
    oldest change first (see `core.db.sync_order`)."""

    updated_since = fields.AwareDateTime(
        default_timezone=UTC,
        metadata={"description": "Only records changed at or after this time (ISO 8601)"},
    )


def _page(query: Any, item: type[Schema]):  # type: ignore[no-untyped-def]
    """One page of a select statement, each row dumped by `item`; a view may return
    `(statement, transform)` to turn each row into what `item` describes first."""
    transform = None
    if isinstance(query, tuple):
        query, transform = query
    try:
        args = PageQuery(unknown=EXCLUDE).load(_query_args(PageQuery))  # filters: the view's
    except ValidationError as err:
        raise ValidationFailed(field_messages(err)) from None
    page, per_page = args["page"], args["per_page"]
    result = paginate(query, page=page, per_page=per_page, error_out=False, exact=True)
    rows = [transform(r) for r in result.items] if transform else result.items
    return jsonify(
        {
            "items": item(many=True).dump(rows),
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
    for field in form:
        if isinstance(field, StringField) and field.data is None:
            field.data = ""  # left out, as a page's blank field: the column holds "", never NULL
    if not form.validate():
        raise RuleViolated({name: [str(e) for e in errs] for name, errs in form.errors.items()})
    return form


# --- OpenAPI ---------------------------------------------------------------------------------


def openapi_document(app: Flask) -> dict[str, Any]:
    """The document of every documented route, built from the routes' own schemas. Enum
    descriptions carry their Chinese labels whatever the caller's language."""
    from .openapi import build

    cached = app.extensions.get("openapi_document")
    if cached is None:
        with force_locale("zh_Hans_CN"):
            cached = build(app, PREFIX, DOC_ATTR)
        app.extensions["openapi_document"] = cached
    return cached


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

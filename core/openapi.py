"""The OpenAPI document, assembled by apispec from each route's declared marshmallow schemas
(see `core.api.ApiBlueprint.route`): nothing here describes a field by hand."""

from __future__ import annotations

import re
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask
from flask_babel import LazyString
from marshmallow import Schema

from .errors import ERROR_CODES
from .schemas import MAX_ID, PageQuery, body_required, page_schema

STATUS_TEXT = {
    400: "The request does not match this document (`validation_failed`, with `fields`)",
    401: "No token, or a revoked or expired one (`unauthorized`)",
    403: "Not allowed for this user (`forbidden`)",
    404: "No such record, or not one this user may see (`not_found`)",
    409: "Refused by the record's state or a rule (`invalid_transition`, `rule_violated`, …)",
    413: "The request is larger than 10 MB (`too_large`)",
    414: "The address is longer than 4,096 characters (`uri_too_long`)",
    429: "Too many requests (`rate_limited`); see `Retry-After`",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "enum": sorted(ERROR_CODES)},
                "message": {"type": "string", "description": "For people, in their language"},
                "fields": {
                    "type": "object",
                    "description": "Per field: what is wrong with it",
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
                "status": {"type": "string", "description": "The record's state now"},
            },
        }
    },
}


ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _error_table() -> str:
    rows = "\n".join(
        f"| `{code}` | {status} | {text} |" for code, (status, text) in ERROR_CODES.items()
    )
    return "| code | HTTP | meaning |\n|---|---|---|\n" + rows


DESCRIPTION = """Teachers, placements, part-time appointments, teams, competitions, recognitions and
the plan's indicators of Wenzhou's vocational schools.

Authenticate with `Authorization: Bearer <token>` (made on the account page). Send
`Accept-Language: zh-CN` or `en` for messages and the `*_label` field beside every coded value.
Lists are paged (`page`, `per_page` ≤ 200) in a stable order; lists that sync take
`updated_since` (ISO 8601) and are then ordered by the time of change.

Every error has the body `{"error": {"code", "message", "fields"?, "status"?}}`:

"""


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    path = rule
    for inner in re.findall(r"<([^>]+)>", rule):
        conv, _sep, name = inner.rpartition(":")
        schema: dict[str, Any] = {"type": "string"}
        if conv == "int":
            schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
        elif conv.startswith("any("):
            schema = {"type": "string", "enum": [a.strip() for a in conv[4:-1].split(",")]}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
        path = path.replace(f"<{inner}>", "{" + name + "}")
    return path, params


def _json(schema: Any) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(spec: Any, endpoint: str, method: str, path_params: list, names: dict) -> dict:
    responses: dict[str, Any] = {}
    if spec.status == 204:
        responses["204"] = {"description": "Done"}
    elif spec.produces != "application/json":
        kinds = (spec.produces,) if isinstance(spec.produces, str) else spec.produces
        binary = {"schema": {"type": "string", "format": "binary"}}
        responses[str(spec.status)] = {
            "description": "The file",
            "content": {kind: binary for kind in kinds},
        }
    elif spec.response is None:
        responses[str(spec.status)] = {"description": "OK"}
    else:
        schema = spec.response
        if spec.paged:
            schema = names.setdefault(
                ("page", schema), page_schema(schema, f"{schema.__name__}Page")
            )
        responses[str(spec.status)] = {"description": "OK", "content": _json(schema)}
    codes = set(spec.errors)
    takes_input = spec.query is not None or spec.body is not None or spec.multipart is not None
    if takes_input or spec.paged:
        codes.add(400)
    if takes_input or method != "get":
        codes.add(409)  # a rule or the record's state refuses a well-formed request
    if path_params or spec.body is not None or spec.multipart is not None:
        codes.add(404)  # the record in the path, or one the request names
    if spec.multipart is not None or spec.body is not None:
        codes.add(413)  # MAX_CONTENT_LENGTH holds for every body
    codes.add(414)  # any address can be made too long
    if not spec.public:
        codes |= {401, 403, 429}
    for code in sorted(codes):
        text = spec.errors.get(code) or STATUS_TEXT.get(code, "Error")
        responses[str(code)] = {"description": text, "content": _json(ERROR_REF)}
    parameters = list(path_params)
    query = spec.query
    if spec.paged and query is None:
        query = PageQuery
    if query is not None:
        parameters.append({"in": "query", "schema": query})
    operation: dict[str, Any] = {
        # The blueprint and the view: the names a generated client gives its functions.
        "operationId": endpoint.replace("_api.", "_").replace(".", "_"),
        "summary": spec.summary,
        "tags": spec.tags,
        "parameters": parameters,
        "responses": responses,
    }
    if spec.description:
        operation["description"] = spec.description
    if not spec.public:
        operation["security"] = [{"bearer": []}]
    if spec.body is not None:
        operation["requestBody"] = {
            "required": body_required(spec.body),
            "content": _json(spec.body),
        }
    elif spec.multipart is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"multipart/form-data": {"schema": spec.multipart}},
        }
    return operation


def _plain(value: Any) -> Any:
    """The document as JSON: lazy texts rendered now (under the caller's forced locale)."""
    if isinstance(value, LazyString):
        return str(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _schema_name(schema: Any) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name.removesuffix("Schema") or name


def build(app: Flask, prefix: str, attr: str) -> dict[str, Any]:
    spec = APISpec(
        title="Shuangshi API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
        info={"description": DESCRIPTION + _error_table()},
        servers=[{"url": prefix}],
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    names: dict[Any, type[Schema]] = {}
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(prefix):
            continue
        doc = getattr(app.view_functions[rule.endpoint], attr, None)
        if not doc:
            continue
        path, path_params = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            spec_of = doc.get(method.lower())
            if spec_of is not None:
                paths.setdefault(path.removeprefix(prefix) or "/", {})[method.lower()] = _operation(
                    spec_of, rule.endpoint, method.lower(), path_params, names
                )
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return _plain(spec.to_dict())

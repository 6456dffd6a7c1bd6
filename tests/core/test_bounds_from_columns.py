"""What a request may hold is what the database can keep: every number a form or the API takes
is bounded within the column it is stored in, so a value too large is a field's message (400
in the API), never the database's overflow (a 500 on PostgreSQL; SQLite kept it).

The walk compares each field with every column of the same name: one bound that fits them all
(a placement's `hours` and a term's teaching `hours` are NUMERIC(7,1) and NUMERIC(6,1))."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from sqlalchemy import Integer, Numeric
from wtforms import validators as wtv
from wtforms.fields import DecimalField, FloatField, IntegerField

from core.api import openapi_document
from core.extensions import db
from core.forms import capacity
from core.schemas import MAX_ID

NO_COLUMN_NUMBER = Decimal(10) ** 12  # a number with no column of its name: a sane ceiling


def _capacity(column: Any) -> Decimal | None:
    return capacity(column) if isinstance(column.type, Numeric | Integer) else None


def _columns(name: str) -> list[Any]:
    return [t.columns[name] for t in db.metadata.sorted_tables if name in t.columns]


def _ceiling(name: str, integer: bool) -> Decimal:
    held = [c for c in (_capacity(col) for col in _columns(name)) if c is not None]
    return min(held) if held else (Decimal(MAX_ID) if integer else NO_COLUMN_NUMBER)


def _forms() -> list[type]:
    found, todo = [], [FlaskForm]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [f for f in found if f.__module__.split(".")[0] != "flask_wtf"]


def test_every_number_a_form_takes_fits_its_column(app):  # type: ignore[no-untyped-def]
    wrong = []
    for form_class in _forms():
        form = form_class(formdata=None, meta={"csrf": False})
        for field in form:
            if not isinstance(field, IntegerField | DecimalField | FloatField):
                continue
            where = f"{form_class.__module__}.{form_class.__name__}.{field.name}"
            ranges = [v for v in field.validators if isinstance(v, wtv.NumberRange)]
            if not ranges or ranges[0].min is None or ranges[0].max is None:
                wrong.append(f"{where}: no NumberRange with both ends")
                continue
            ceiling = _ceiling(field.name, isinstance(field, IntegerField))
            if Decimal(str(ranges[0].max)) > ceiling or -Decimal(str(ranges[0].min)) > ceiling:
                wrong.append(f"{where}: {ranges[0].min}..{ranges[0].max} beyond {ceiling}")
    assert not wrong, "\n".join(wrong)


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def test_every_write_operation_is_bounded_by_its_columns(app):  # type: ignore[no-untyped-def]
    document = openapi_document(app)
    wrong = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body = operation.get("requestBody")
            if method not in ("post", "put", "patch") or not body:
                continue
            for content in body["content"].values():
                schema = _resolve(document, content["schema"])
                for name, prop in schema.get("properties", {}).items():
                    prop = _resolve(document, prop)
                    where = f"{method.upper()} {path} {name}"
                    kind = prop.get("type")
                    if kind in ("integer", "number"):
                        low, high = prop.get("minimum"), prop.get("maximum")
                        if low is None or high is None:
                            wrong.append(f"{where}: unbounded")
                            continue
                        ceiling = _ceiling(name, kind == "integer")
                        if Decimal(str(high)) > ceiling or -Decimal(str(low)) > ceiling:
                            wrong.append(f"{where}: {low}..{high} beyond {ceiling}")
    assert not wrong, "\n".join(wrong)


def test_a_documented_body_of_required_fields_alone_is_taken(app, api_client, make_competition):  # type: ignore[no-untyped-def]
    """The minimal body the document asks for is a whole request: the fields left out are taken
    as a page's blank ones (text ""), never a NULL the column refuses."""
    from core.models import Role

    call = api_client(role=Role.ORGANIZER)
    competition = make_competition()
    body = {"name": "x", "series": "teaching_ability", "year": 2026, "level": "city",
            "scheme": "medals"}  # fmt: skip
    changed = call("PUT", f"/api/v1/competitions/{competition.id}", json=body)
    assert changed.status_code == 200, changed.json
    assert changed.json["organizing_body"] == ""
    made = call("POST", "/api/v1/competitions", json=body)
    assert made.status_code == 201, made.json
    assert made.json["organizing_body"] == ""

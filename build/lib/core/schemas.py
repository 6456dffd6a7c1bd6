"""The API's request and response schemas (marshmallow): declared once per route, they validate
the request, serialize the answer and describe both in the OpenAPI document (apispec).

A request body that edits what a page's form edits is derived from that form (`form_schema`), so
a field's type, length, choices and whether it is required are declared once, by the form. The
schema checks the *shape* (400 `validation_failed`); the form and the service then apply the rules
a schema cannot say (dates in order, a unique staff number), refused as 409 `rule_violated`.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from decimal import Decimal
from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from marshmallow import RAISE, Schema, ValidationError, fields, validate
from werkzeug.datastructures import FileStorage
from wtforms import validators as wtv
from wtforms.fields import (
    BooleanField,
    DateField,
    DecimalField,
    FileField,
    FloatField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    SelectMultipleField,
)
from wtforms.fields.core import UnboundField

from .labels import _lookup

MAX_ID = 2**31 - 1


class ApiSchema(Schema):
    """Refuses unknown fields (a typo is not silently ignored) and keeps the declared order."""

    class Meta:
        unknown = RAISE
        ordered = True


# --- strict fields: JSON types as the document declares them, never coerced from text ---------


class Integer(fields.Integer):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Number(fields.Float):
    """A JSON number, or the decimal string the API answers money in ("120.00"): a client can
    send back what it read."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and DECIMAL_TEXT.fullmatch(value.strip()):
            value = float(Decimal(value.strip()))
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


DECIMAL_TEXT = re.compile(r"-?\d{1,12}(\.\d{1,4})?")


class Text(fields.String):
    """Text a page's form may leave blank: null is taken as empty text, as the form takes an
    empty field (the column holds "", never NULL)."""

    def deserialize(self, value: Any, attr: Any = None, data: Any = None, **kwargs: Any) -> Any:
        if value is None and self.allow_none:
            return ""
        return super().deserialize(value, attr, data, **kwargs)


class Boolean(fields.Boolean):
    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Timestamp(fields.DateTime):
    """A stored time (naive UTC) as RFC 3339, with its "Z"."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Money(fields.Field):
    """An amount of yuan, answered as a decimal string with two places ("150.00"): a client
    never meets a float's rounding where money is concerned."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "decimal", "pattern": r"^-?\d+\.\d{2}$",
                    **kwargs.pop("metadata", {})}  # fmt: skip
        super().__init__(dump_only=True, metadata=metadata, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> Any:
        if value is None:
            return None
        return str(Decimal(str(value)).quantize(Decimal("0.01")))


class Upload(fields.Field):
    """A file part of a multipart/form-data request (PDF, JPEG, PNG or a workbook)."""

    def __init__(self, **kwargs: Any) -> None:
        metadata = {"type": "string", "format": "binary", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, FileStorage) or not value.filename:
            raise ValidationError(_("Choose a file."))
        return value


def Id(**kwargs: Any) -> Integer:  # noqa: N802 - reads as a field type
    """A record's id: a whole number the database can hold."""
    return Integer(validate=validate.Range(1, MAX_ID), **kwargs)


def _values(table: Mapping[Any, Any]) -> list[Any]:
    return [k.value if isinstance(k, enum.Enum) else k for k in table]


def _described(table: Mapping[Any, Any], text: Any = "") -> LazyString:
    """`value：label` pairs, rendered when the document is (in Chinese: see `openapi_document`)."""

    def render() -> str:
        pairs = "；".join(f"`{_plain(k)}`：{v}" for k, v in table.items())
        return f"{text}：{pairs}" if text else pairs

    return LazyString(render)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def Code(table: Mapping[Any, Any], text: str = "", **kwargs: Any) -> fields.String:  # noqa: N802
    """A coded value (an enum), one of the keys of a label table; the document lists each with
    its Chinese label."""
    return fields.String(
        validate=validate.OneOf(_values(table)),
        metadata={"description": _described(table, text)},
        **kwargs,
    )


class Label(fields.Field):
    """`<field>_label`: the coded field's label in the caller's language (dump only)."""

    def __init__(self, table: Mapping[Any, Any], source: str | None = None, **kwargs: Any) -> None:
        super().__init__(
            dump_only=True,
            allow_none=True,
            metadata={"type": "string", "description": "The label of the code beside it"},
            **kwargs,
        )
        self.table = table
        self.source = source

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        source = self.source or attr.removesuffix("_label")
        value = obj.get(source) if isinstance(obj, Mapping) else getattr(obj, source, None)
        return None if value is None else _lookup(self.table, value)


class Computed(fields.Field):
    """A value read by a function of the record (dump only); `schema` is its JSON schema."""

    def __init__(self, fn: Callable[[Any], Any], schema: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(dump_only=True, metadata=schema, **kwargs)
        self.fn = fn

    def serialize(self, attr: str, obj: Any, accessor: Any = None, **kwargs: Any) -> Any:
        return self.fn(obj)


# --- translated messages --------------------------------------------------------------------

# marshmallow's fixed messages, said in the caller's language; parameterised validators below
# carry our own messages.
_MESSAGES: dict[str, Callable[[], str]] = {
    "Missing data for required field.": lambda: _("This field is required."),
    "Field may not be null.": lambda: _("This field may not be empty."),
    "Unknown field.": lambda: _("Unknown field."),
    "Not a valid integer.": lambda: _("Give a whole number."),
    "Not a valid number.": lambda: _("Give a number."),
    "Not a valid boolean.": lambda: _("Give true or false."),
    "Not a valid string.": lambda: _("Send text here."),
    "Not a valid date.": lambda: _("Enter a date as YYYY-MM-DD."),
    "Not a valid datetime.": lambda: _("Give a date and time, as 2026-01-31T08:00:00."),
    "Not a valid list.": lambda: _("Send a list."),
    "Invalid input type.": lambda: _("Send a JSON object in the request body."),
    "Invalid value.": lambda: _("Not an allowed value."),
}


def field_messages(err: ValidationError) -> dict[str, list[str]]:
    """marshmallow's errors as the API's per-field messages, in the caller's language."""
    out: dict[str, list[str]] = {}

    def walk(prefix: str, messages: Any) -> None:
        if isinstance(messages, dict):
            for key, value in messages.items():
                name = f"{prefix}.{key}" if prefix else str(key)
                walk(name, value)
        elif isinstance(messages, list):
            for message in messages:
                if isinstance(message, dict | list):
                    walk(prefix, message)
                else:
                    text = str(message)
                    out.setdefault(prefix or "_schema", []).append(
                        _MESSAGES[text]() if text in _MESSAGES else text
                    )
        else:
            out.setdefault(prefix or "_schema", []).append(str(messages))

    walk("", err.messages if isinstance(err.messages, dict) else {"_schema": err.messages})
    return out


def length(*, max: int | None = None, min: int | None = None) -> validate.Length:  # noqa: A002
    error = LazyString(lambda: _("From %(lo)s to %(hi)s characters.", lo=min or 0, hi=max or "∞"))
    return validate.Length(min=min, max=max, error=error)


def between(lo: float | None, hi: float | None) -> validate.Range:
    error = LazyString(lambda: _("Give a number from %(lo)s to %(hi)s.", lo=lo, hi=hi))
    return validate.Range(min=lo, max=hi, error=error)


def one_of(values: Iterable[Any]) -> validate.OneOf:
    values = list(values)
    error = LazyString(
        lambda: _("Choose one of: %(kinds)s.", kinds="、".join(str(v) for v in values))
    )
    return validate.OneOf(values, error=error)


# --- request bodies from the pages' forms ---------------------------------------------------


def _unbound_fields(form_class: type) -> list[tuple[str, UnboundField]]:
    found: dict[str, UnboundField] = {}
    for klass in reversed(form_class.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, UnboundField):
                found[name] = value
            elif name in found and value is None:
                del found[name]  # a subclass removed the field
    return sorted(found.items(), key=lambda item: item[1].creation_counter)


def _pair(choice: Any) -> tuple[Any, Any]:
    if hasattr(choice, "value") and hasattr(choice, "label"):  # wtforms' SelectChoice
        return choice.value, choice.label
    if isinstance(choice, tuple | list):
        return choice[0], choice[1]
    return choice, choice


def _field_for(unbound: UnboundField, *, partial: bool) -> fields.Field | None:
    cls = unbound.field_class
    kwargs = unbound.kwargs
    checks = list(kwargs.get("validators") or [])
    optional = any(isinstance(v, wtv.Optional) for v in checks)
    required = not partial and any(
        isinstance(v, wtv.DataRequired | wtv.InputRequired) for v in checks
    )
    label = unbound.args[0] if unbound.args else kwargs.get("label")
    description = kwargs.get("description") or ""
    meta: dict[str, Any] = {
        "description": LazyString(lambda: f"{label}{'：' if description else ''}{description}")
    }
    if issubclass(cls, FileField | MultipleFileField):
        return None
    validators: list[Any] = []
    for check in checks:
        if isinstance(check, wtv.Length):
            low = check.min if check.min > 0 else None
            validators.append(length(min=low, max=check.max if check.max >= 0 else None))
        elif isinstance(check, wtv.NumberRange):
            validators.append(between(check.min, check.max))
        elif isinstance(check, wtv.Regexp):
            message = check.message or LazyString(_MESSAGES["Invalid value."])
            validators.append(validate.Regexp(check.regex, error=message))
    common = {"allow_none": optional or not required, "metadata": meta, "validate": validators}
    if issubclass(cls, BooleanField):
        return Boolean(**common)
    if issubclass(cls, IntegerField):
        return Integer(required=required, **common)
    if issubclass(cls, DecimalField | FloatField):
        return Number(required=required, **common)
    if issubclass(cls, DateField):
        return fields.Date(required=required, **common)
    if issubclass(cls, SelectMultipleField):
        return fields.List(fields.String(), required=required, **common)
    if issubclass(cls, SelectField | RadioField):
        choices = kwargs.get("choices")
        coerce = kwargs.get("coerce", str)
        item = Integer if coerce is int else fields.String
        if choices and not callable(choices):
            pairs = [_pair(c) for c in choices]
            pairs = [(v, t) for v, t in pairs if v not in ("", None)]
            table = dict(pairs)
            common["validate"] = [*validators, one_of(_values(table))]
            meta["description"] = _described(table, label)
        # A choice with no default and no Optional must be given (WTForms refuses "no choice").
        needed = not partial and not optional and kwargs.get("default") is None
        return item(required=needed or required, **{**common, "allow_none": not needed})
    return Text(required=required, **common)


def form_schema(
    form_class: type,
    name: str,
    *,
    partial: bool = False,
    exclude: Iterable[str] = (),
    extra: Mapping[str, fields.Field] | None = None,
) -> type[ApiSchema]:
    """An ApiSchema with the form's fields (file fields and `exclude` left out) and `extra`.
    `partial`: nothing is required (PATCH: absent fields keep their values)."""
    skip = set(exclude) | {"csrf_token", "submit"}
    declared: dict[str, Any] = {}
    for field_name, unbound in _unbound_fields(form_class):
        if field_name in skip:
            continue
        field = _field_for(unbound, partial=partial)
        if field is not None:
            declared[field_name] = field
    declared.update(extra or {})
    return ApiSchema.from_dict(declared, name=name)  # type: ignore[return-value]


def page_schema(item: type[Schema], name: str) -> type[ApiSchema]:
    """The list envelope: {items, page, per_page, total}."""
    return ApiSchema.from_dict(
        {
            "items": fields.List(fields.Nested(item), required=True),
            "page": fields.Integer(required=True),
            "per_page": fields.Integer(required=True),
            "total": fields.Integer(required=True, metadata={"description": "All matching items"}),
        },
        name=name,
    )  # type: ignore[return-value]


# --- shared by the API's routes and its document ---------------------------------------


class PageQuery(Schema):
    """`page` and `per_page` of every list; lists that sync add `updated_since`."""

    class Meta:
        unknown = RAISE

    page = fields.Integer(
        load_default=1, validate=between(1, 100_000), metadata={"description": "Page number"}
    )
    per_page = fields.Integer(
        load_default=25, validate=between(1, 200), metadata={"description": "Items per page"}
    )


def body_required(schema: type[Schema]) -> bool:
    return any(field.required for field in schema().fields.values())

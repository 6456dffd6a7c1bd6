"""Put a service's per-field messages on the form that sent the data."""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_wtf import FlaskForm

from ..errors import ValidationFailed


def apply_errors(
    form: FlaskForm, err: ValidationFailed, aliases: dict[str, str] | None = None
) -> None:
    aliases = aliases or {}
    leftover = []
    for name, messages in err.fields.items():
        field = getattr(form, aliases.get(name, name), None)
        if field is None:
            leftover.extend(messages)
            continue
        field.errors = list(field.errors or []) + list(messages)
    for message in leftover or ([] if err.fields else [err.message]):
        flash(message, "error")


def form_status(form: FlaskForm) -> int:
    """400 for a form sent back with errors, so the request's transaction rolls back and the
    browser, tests and proxies see the refusal; 200 otherwise."""
    return 400 if any(field.errors for field in form) else 200


def flash_errors(fields: dict[str, Any]) -> None:
    """Flash every per-field message, for forms posted from a page that shows no such form
    (a button on a detail page); the user lands back on that page and reads them there."""
    for messages in fields.values():
        for message in messages:
            flash(str(message), "error")

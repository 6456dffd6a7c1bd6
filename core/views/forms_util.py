"""Put a service's per-field messages on the form that sent the data."""

from __future__ import annotations

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

"""Template filters: dates and times in Wenzhou time, labels of enum values."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime


def register_filters(app: Flask) -> None:
    from .imports import provenance
    from .workflow import status_label

    # Where an imported record came from (the `imported` macro says it on the record's page).
    app.add_template_global(provenance, "provenance")
    # A record's state in words: who acts next while it waits.
    app.add_template_global(status_label, "status_label")

    @app.template_filter("day")
    def _day(value: date | None) -> str:
        return format_date(value, "yyyy-MM-dd") if value else ""

    @app.template_filter("when")
    def _when(value: datetime | None) -> str:
        # Flask-Babel reads naive values as UTC and shows them in BABEL_DEFAULT_TIMEZONE.
        return format_datetime(value, "yyyy-MM-dd HH:mm") if value else ""

    @app.template_filter("label")
    def _label(value: object, labels: dict) -> str:
        return str(labels.get(value, value if value is not None else ""))

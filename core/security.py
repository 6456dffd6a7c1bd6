"""What every response carries for the browser's protection, and ids that fit the database.

The pages run no inline script (app.js is a file), so the policy allows scripts only from this
site; inline style attributes (progress bar widths) stay allowed."""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, request
from werkzeug.exceptions import RequestURITooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

# Characters of path and query: a longer address is a JSON 414 (documented), decided here before
# gunicorn's own limit of 8,190 (core.gunicorn_conf), which would answer with its HTML page.
MAX_URI = 4096

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


class RecordId(IntegerConverter):
    """`<int:…>` in every route: a number beyond the database's integer range is no record of
    ours (404), not an error of the database (500)."""

    # 0 … 2147483647 spelt out, so a larger number matches no route at all (a value refused
    # only after matching would make the router answer 405 for a route of another method).
    regex = (
        r"(?:\d{1,9}|1\d{9}|20\d{8}|21[0-3]\d{7}|214[0-6]\d{6}|2147[0-3]\d{5}|21474[0-7]\d{4}"
        r"|214748[0-2]\d{3}|2147483[0-5]\d{2}|21474836[0-3]\d|214748364[0-7])"
    )

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def _clean(pairs: Any) -> list[tuple[str, str]]:
    return [(k.replace("\x00", ""), v.replace("\x00", "")) for k, v in pairs.items(multi=True)]


class CleanRequest(Request):
    """A request whose query string and form fields carry no NUL character: it means nothing in
    a search or a name, and PostgreSQL refuses to compare or store it (a 500 otherwise)."""

    @cached_property
    def args(self):  # type: ignore[no-untyped-def,override]
        return self.parameter_storage_class(_clean(super().args))

    def _load_form_data(self) -> None:
        super()._load_form_data()
        if "form" in self.__dict__:
            self.__dict__["form"] = self.parameter_storage_class(_clean(self.__dict__["form"]))


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = RecordId
    app.request_class = CleanRequest

    @app.before_request
    def _address_length() -> None:
        if len(request.full_path) > MAX_URI:
            raise RequestURITooLarge()

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.is_secure and app.config["HSTS_SECONDS"]:  # only what came over HTTPS
            response.headers.setdefault(
                "Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}"
            )
        return response

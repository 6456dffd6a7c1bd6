"""Domain errors raised by services, and how they reach the user: an HTML page or a JSON body.

API errors always have the shape {"error": {"code", "message", "fields"?, ...extra}}.
"""

from __future__ import annotations

import contextlib
from typing import Any

from flask import (
    Flask,
    g,
    has_app_context,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

# A refusal changes nothing: every ServiceError marks the unit of work it is made in — a
# request, a task, a scheduled job, a CLI command — and that unit then rolls back (core.db),
# even when the code around it catches the error to flash, re-render, print or carry on.
REFUSED = "shuangshi_refused"


def note_refusal() -> None:
    if has_app_context():
        setattr(g, REFUSED, True)


def was_refused() -> bool:
    """Whether a service refused something in the current unit of work."""
    return has_app_context() and bool(g.get(REFUSED, False))


class ServiceError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        note_refusal()  # the request this happens in will not commit (core.db)
        if code:
            self.code = code
        self.extra = extra


class ValidationFailed(ServiceError):
    """Per-field messages; views put them on the form, the API answers 400 with `fields`."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, str | list[str]], message: str | None = None) -> None:
        super().__init__(message or _("Please correct the marked fields."))
        self.fields = {k: v if isinstance(v, list) else [v] for k, v in fields.items()}


class RuleViolated(ValidationFailed):
    """A request the API document calls well formed that a rule refuses (dates out of order, a
    staff number in use): 409 with per-field messages, so a client tells it from a malformed one."""

    status = 409
    code = "rule_violated"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The request is valid but the record's state does not allow it (409). Naming the state the
    record is in (`status=`) makes it an `invalid_transition`."""

    status = 409
    code = "conflict"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        if code is None and extra.get("status") is not None:
            code = "invalid_transition"
        super().__init__(message, code=code, **extra)


class NotInState(Conflict):
    """The record is no longer in the state the step starts from (decided meanwhile): a list
    deciding many at once passes it over rather than calling it refused."""


# Every `error.code` the API answers with, in one table (printed in the OpenAPI document).
ERROR_CODES: dict[str, tuple[int, str]] = {
    "validation_failed": (400, "The request does not match the document; `fields` names each "
                          "field and what is wrong with it."),
    "bad_request": (400, "The request could not be read at all."),
    "unauthorized": (401, "No token, or a token revoked or expired."),
    "forbidden": (403, "The token's user may not do this to this record."),
    "not_found": (404, "No such record, or not one the user may see."),
    "method_not_allowed": (405, "The path exists, not with this method."),
    "invalid_transition": (409, "The record's state does not allow this step; `status` is the "
                           "state it is in now."),
    "rule_violated": (409, "Well formed, but a rule refuses it (dates out of order, a staff "
                      "number in use, a date in the future); `fields` says which."),
    "cap_exceeded": (409, "Approving would put the school's part-time teachers over its cap (the "
                     "rule `part_time_cap_ratio` of its professional teachers)."),
    "conflict": (409, "The record's state or another record stands in the way; the message says "
                 "which."),
    "figures_missing": (409, "The year's assessment cannot be published yet: the message names "
                        "the counties' figures still to enter."),
    "too_large": (413, "The upload is larger than 10 MB."),
    "uri_too_long": (414, "The address (path and query) is longer than 4,096 characters."),
    "rate_limited": (429, "Too many requests; try again after `Retry-After` seconds."),
    "server_error": (500, "Our fault; it is logged. Try again."),
}  # fmt: skip


def plain_http_with_secure_cookies() -> bool:
    """This request came over plain HTTP, but the session cookie is sent over HTTPS only: the
    browser never returns it, so no form (the sign-in first) can work."""
    from flask import current_app

    return bool(current_app.config.get("SESSION_COOKIE_SECURE")) and not request.is_secure


def PLAIN_HTTP() -> str:  # noqa: N802 (a message, read where it is needed)
    return _(
        "This site is reached over plain HTTP, but its sign-in cookie is sent over HTTPS only, "
        "so signing in cannot work. Open it with https:// (behind the proxy that terminates "
        "TLS, set PROXY_COUNT), or for a trial on a private network set "
        "SESSION_COOKIE_SECURE=0."
    )


def wants_json() -> bool:
    return request.path.startswith("/api/")


def json_error(http_status: int, code: str, message: str, **extra: Any):  # type: ignore[no-untyped-def]
    """The API's error body; `extra` may name the record's state (`status`) and other facts."""
    body: dict[str, Any] = {"code": code, "message": message}
    body.update({k: v for k, v in extra.items() if v is not None})
    return jsonify({"error": body}), http_status


HTTP_MESSAGES = {
    400: ("bad_request", lambda: _("The request could not be understood.")),
    401: ("unauthorized", lambda: _("Please sign in.")),
    403: ("forbidden", lambda: _("You do not have permission to do this.")),
    404: ("not_found", lambda: _("The page or record was not found.")),
    405: ("method_not_allowed", lambda: _("This action is not allowed here.")),
    409: ("conflict", lambda: _("The record has changed; please reload and try again.")),
    413: ("too_large", lambda: _("The upload is too large (at most 10 MB).")),
    414: ("uri_too_long", lambda: _("The address is too long (at most 4,096 characters).")),
    500: ("server_error", lambda: _("Something went wrong on our side. Please try again.")),
}


# The error page's heading, in words: a clerk reads what happened, not a bare "429".
TITLES = {
    400: lambda: _("The request could not be used"),
    401: lambda: _("Please sign in"),
    403: lambda: _("Not allowed"),
    404: lambda: _("Not found"),
    405: lambda: _("Not possible here"),
    409: lambda: _("Not possible now"),
    413: lambda: _("The file is too large"),
    414: lambda: _("The address is too long"),
    429: lambda: _("Too many attempts"),
    500: lambda: _("Something went wrong"),
}


def _page(status: int, message: str):  # type: ignore[no-untyped-def]
    title = TITLES[status]() if status in TITLES else str(status)
    page = render_template("core/error.html", status=status, title=title, message=message)
    return page, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(err: ServiceError):  # type: ignore[no-untyped-def]
        if wants_json():
            response = json_error(
                err.status, err.code, err.message, fields=getattr(err, "fields", None), **err.extra
            )
        else:
            response = _page(err.status, err.message)
        response = make_response(response)
        if "retry_after" in err.extra:
            response.headers["Retry-After"] = str(err.extra["retry_after"])
        return response

    @app.errorhandler(HTTPException)
    def _http_error(err: HTTPException):  # type: ignore[no-untyped-def]
        status = err.code or 500
        if status >= 500:  # an error raised after the view (the commit failed): Flask wraps it
            return unexpected_error(err, logged=True)
        code, message = HTTP_MESSAGES.get(status, ("error", lambda: err.description or ""))
        text = message()
        if status == 400 and getattr(err, "description", None) and "CSRF" in str(err.description):
            text = _("The form expired or was sent from elsewhere. Please reload and try again.")
            if plain_http_with_secure_cookies():
                text = PLAIN_HTTP()
        response = make_response(
            json_error(status, code, text) if wants_json() else _page(status, text)
        )
        if status == 405 and hasattr(err, "valid_methods") and err.valid_methods:
            response.headers["Allow"] = ", ".join(err.valid_methods)
        return response

    if app.testing:
        return  # let tests see the real exception instead of a 500 page
    app.errorhandler(Exception)(unexpected_error)


# Said when even the translated answer cannot be made: never a second failure, never HTML to the
# API.
LAST_WORD = '{"error": {"code": "server_error", "message": "服务器出错，请稍后重试。"}}'


def unexpected_error(err: Exception, logged: bool = False) -> ResponseReturnValue:
    """Our fault, logged, answered in the caller's language. The failed transaction is rolled
    back first: reading the user for the language would otherwise raise again (a statement
    after a failed flush is a PendingRollbackError), and gunicorn would answer with its HTML."""
    from flask import Response, current_app

    from .extensions import db

    with contextlib.suppress(Exception):  # the connection itself may be gone: answer all the same
        db.session.rollback()
    if not logged:  # what Flask wraps in a 500 it has logged itself
        current_app.logger.error(
            "Unhandled error on %s %s", request.method, request.path, exc_info=err
        )
    try:
        code, message = HTTP_MESSAGES[500]
        if wants_json():
            return json_error(500, code, message())
        return _page(500, message())
    except Exception:  # noqa: BLE001 - the answer's own failure is logged, not raised
        current_app.logger.exception("The error page itself failed")
        return Response(LAST_WORD, status=500, mimetype="application/json")

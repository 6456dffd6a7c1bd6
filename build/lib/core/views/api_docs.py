"""The API reference page: the OpenAPI document rendered by Redoc, served from this site."""

from __future__ import annotations

from flask import make_response, render_template

from ..security import POLICY
from .blueprint import bp

# Redoc builds its search index in a web worker it makes from a blob.
DOCS_POLICY = POLICY.replace("default-src 'self';", "default-src 'self'; worker-src 'self' blob:;")


@bp.get("/api/docs")
def api_docs():  # type: ignore[no-untyped-def]
    response = make_response(render_template("core/api_docs.html"))
    response.headers["Content-Security-Policy"] = DOCS_POLICY
    return response

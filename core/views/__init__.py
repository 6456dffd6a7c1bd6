"""Core pages: sign-in and account, administration, schools, audit log and rules."""

from flask import Blueprint

bp = Blueprint("core", __name__)

from . import admin, api_docs, auth, org, seals, tasks  # noqa: E402,F401  (routes register on import)

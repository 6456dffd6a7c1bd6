"""Core pages: sign-in and account, administration, schools, audit log and rules."""

from . import admin, api_docs, auth, imports, org, seals, tasks  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]

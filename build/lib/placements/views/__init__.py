"""Enterprise practice pages."""

from . import enterprise_jobs, mentor, placements, practice  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]

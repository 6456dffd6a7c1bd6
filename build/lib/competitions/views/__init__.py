"""Competition pages."""

from . import catalog, entries, public  # noqa: F401  (routes register on import)
from .blueprint import bp

__all__ = ["bp"]

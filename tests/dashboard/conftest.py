"""Dashboard tests build on placement records."""

from tests.placements.conftest import make_enterprise, make_placement  # noqa: F401

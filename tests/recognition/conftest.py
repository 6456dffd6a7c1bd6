"""Recognition tests build on competition and placement records."""

from tests.competitions.conftest import make_competition, make_event, organizer  # noqa: F401
from tests.placements.conftest import make_enterprise, make_placement  # noqa: F401

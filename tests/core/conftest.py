"""Core tests that follow records across the domains use the domains' factories."""

from tests.competitions.conftest import make_competition, make_event, organizer  # noqa: F401
from tests.core.test_imports import school_hr  # noqa: F401
from tests.placements.conftest import (  # noqa: F401
    make_enterprise,
    make_placement,
    teacher_with_account,
)
from tests.recognition.test_d_class import national  # noqa: F401
from tests.teachers.test_appointments import school_with_staff  # noqa: F401
from tests.teachers.test_teams import school_team  # noqa: F401

"""The API keeps every promise of its own document: schemathesis generates requests from
/api/v1/openapi.json (valid ones and deliberately invalid ones) and runs all its checks on each
answer — no 5xx, every status code documented, every response body conforming to its schema,
schema-valid requests not refused as malformed, invalid ones refused — for a demo account of every
role, on the demo data. A bounded, derandomized number of examples per operation
keeps it repeatable and quick."""

from __future__ import annotations

import contextvars
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation import GenerationMode

from core import accounts, demo
from core.extensions import db

EXAMPLES = 6  # per operation, role and generation mode
# One demo account of every role (their sign-in names), those who may change others' records
# last: the roles share one load of the demo data.
USERS = {"teacher": "teacher", "organizer": "organizer", "county bureau": "bureau_lc",
         "city bureau": "bureau", "hr": "hr", "admin": "admin"}  # fmt: skip


@pytest.fixture
def demo_tokens(app):  # type: ignore[no-untyped-def]
    demo.build(scale="demo", seed=11, echo=lambda _line: None)
    db.session.commit()
    tokens = {}
    for role, username in USERS.items():
        _token, tokens[role] = accounts.create_token(accounts.find_user(username), "schemathesis")
    db.session.commit()
    return tokens


def _failures(document: Any, token: str) -> list[str]:
    """Every operation × {valid, invalid} requests: what schemathesis's checks found."""
    headers = {"Authorization": f"Bearer {token}"}
    found: list[str] = []
    for result in document.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def run(case):  # type: ignore[no-untyped-def]
                db.session.commit()
                try:
                    # Each request in a context of its own, as in production (IsolatedClient).
                    contextvars.Context().run(case.call_and_validate, headers=headers)
                finally:
                    db.session.rollback()

            try:
                run()
            except KeyboardInterrupt:
                raise
            except BaseException as err:  # noqa: BLE001 - collected, all reported at the end
                found.append(f"{operation.label} [{mode.value}]: {err}"[:3000])
    return found


def test_the_api_keeps_its_document(app, demo_tokens):  # type: ignore[no-untyped-def]
    # Every role on one load of the demo data (a load each cost the suite a minute and a half).
    # Read in a context of its own, as each request (the test's `g` would keep its anonymous user).
    document = contextvars.Context().run(
        schemathesis.openapi.from_wsgi, "/api/v1/openapi.json", app
    )
    failures = []
    for role in USERS:
        # Still signed in after the roles before it wrote what they were generated to write.
        me = app.test_client().get(
            "/api/v1/me", headers={"Authorization": f"Bearer {demo_tokens[role]}"}
        )
        assert me.status_code == 200, role
        failures += [f"{role}: {failure}" for failure in _failures(document, demo_tokens[role])]
    assert not failures, "\n\n".join(failures)

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
# One demo account of every role (their sign-in names).
USERS = {"admin": "admin", "bureau": "bureau", "hr": "hr", "organizer": "organizer",
         "teacher": "teacher"}  # fmt: skip


@pytest.fixture
def demo_tokens(app):  # type: ignore[no-untyped-def]
    demo.build(scale="demo", seed=11, echo=lambda _line: None)
    db.session.commit()
    tokens = {}
    for role, username in USERS.items():
        _token, tokens[role] = accounts.create_token(accounts.find_user(username), "schemathesis")
    db.session.commit()
    return tokens


def _failures(app: Any, token: str) -> list[str]:
    """Every operation × {valid, invalid} requests: what schemathesis's checks found."""
    document = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
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


@pytest.mark.parametrize("role", list(USERS))
def test_the_api_keeps_its_document(app, demo_tokens, role):  # type: ignore[no-untyped-def]
    failures = _failures(app, demo_tokens[role])
    assert not failures, "\n\n".join(failures)

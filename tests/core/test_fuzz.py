"""No input makes a 500: every operation of the OpenAPI document, called with a token of each demo
role and a bounded number of generated requests (odd ids, wrong types, huge numbers, bad dates,
lists where a value is expected), answers below 500. Seeded, so a failure repeats."""

from __future__ import annotations

import random
import re
from typing import Any

from core import accounts, demo
from core.extensions import db

ROLES = ("admin", "bureau", "hr", "teacher", "organizer")
EXAMPLES = 6  # per operation and role
ODD = [None, "", "AAA", -1, 0, 1, 2, 2**40, 3.5, True, [], [1], {}, {"a": 1}, "2025-13-45",
       "2025-06-30", "x" * 300, "<script>alert(1)</script>", "1; DROP TABLE users"]  # fmt: skip
IDS = ["1", "2", "3", "7", "2147483647", "0"]


def generated(rng: random.Random, schema: dict[str, Any] | None) -> Any:
    """A JSON body: the declared fields with odd values, sometimes an extra one, or no object."""
    if rng.random() < 0.1:
        return rng.choice([[], "text", 5, None])
    body = {}
    for name in (schema or {}).get("properties", {}):
        if rng.random() < 0.8:
            body[name] = rng.choice(ODD)
    if rng.random() < 0.2:
        body["unexpected"] = rng.choice(ODD)
    return body


def test_no_operation_answers_5xx_to_generated_requests(app):
    demo.build(scale="demo", seed=11, echo=lambda _line: None)
    db.session.commit()
    tokens = {}
    for username in ROLES:
        _token, plain = accounts.create_token(accounts.find_user(username), "fuzz")
        tokens[username] = plain
    db.session.commit()
    client = app.test_client()
    document = client.get("/api/v1/openapi.json").json
    rng = random.Random(2026)
    calls = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            body_schema = (
                operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            ).get("schema")
            queries = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for role in ROLES:
                for _ in range(EXAMPLES):
                    url = "/api/v1" + re.sub(r"\{\w+\}", lambda _m: rng.choice(IDS), path)
                    query = {q: str(rng.choice(ODD)) for q in queries if rng.random() < 0.5}
                    body = (
                        generated(rng, body_schema) if method in ("post", "patch", "put") else None
                    )
                    response = client.open(
                        url,
                        method=method.upper(),
                        query_string=query,
                        json=body,
                        headers={"Authorization": f"Bearer {tokens[role]}"},
                    )
                    response.close()
                    calls += 1
                    assert response.status_code < 500, (method, url, query, body, role)
    assert calls > 500

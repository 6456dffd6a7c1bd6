"""Factories for enterprise practice."""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from core.extensions import db
from placements import credit_code, mentor, services
from placements.demo import agreement_file
from placements.models import Placement

_codes = itertools.count(1)


def valid_code(seed: int | None = None) -> str:
    rng = random.Random(seed if seed is not None else next(_codes))
    body = "913303" + "".join(rng.choice(credit_code.CHARSET) for _ in range(11))
    return body + credit_code.check_character(body)


@pytest.fixture
def make_enterprise(app):  # type: ignore[no-untyped-def]
    def make(name: str | None = None, code: str | None = None):  # type: ignore[no-untyped-def]
        n = next(_codes)
        enterprise = services.find_or_add_enterprise(
            code or valid_code(n), name or f"温州测试企业{n}", None
        )
        db.session.commit()
        return enterprise

    return make


@pytest.fixture
def teacher_with_account(make_teacher, make_user):  # type: ignore[no-untyped-def]
    """A professional teacher with a teacher account, and an HR account of the same school."""

    def make(**kw: Any):  # type: ignore[no-untyped-def]
        teacher = make_teacher(**kw)
        user = make_user("teacher", teacher=teacher)
        return teacher, user

    return make


@pytest.fixture
def make_placement(app, make_enterprise, make_user):  # type: ignore[no-untyped-def]
    """A placement through the services, taken as far as `status` (approved by default)."""

    def make(
        teacher,
        start: date,
        end: date | None = None,
        days: float | None = None,  # type: ignore[no-untyped-def]
        status: str = "approved",
        enterprise=None,
        post: str = "电气装配",
    ):
        end = end or start + timedelta(days=9)
        by = teacher.user or make_user("school_hr", school=teacher.school)
        hr = make_user("school_hr", school=teacher.school)
        placement = services.save_draft(
            teacher,
            enterprise or make_enterprise(),
            {
                "post": post,
                "form": "post",
                "start_date": start,
                "end_date": end,
                "days": Decimal(str(days if days is not None else (end - start).days + 1)),
                "mentor_name": "陈工",
            },
            by,
        )
        if status != "draft":
            services.add_evidence(placement, "agreement", agreement_file(), by)
            services.transition(placement, "submit", by)
        if status in ("approved", "confirmed"):
            token = mentor.create_link(placement, by)
            mentor.confirm(token, placement.days, "陈工")
        if status == "approved":
            services.transition(placement, "approve", hr)
        db.session.commit()
        return db.session.get(Placement, placement.id)

    return make

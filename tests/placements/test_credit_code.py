"""统一社会信用代码: the GB 32100-2015 check character, and one enterprise per code."""

from __future__ import annotations

import pytest

from core.errors import ValidationFailed
from core.extensions import db
from placements import credit_code, services
from placements.models import Enterprise


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91330300MA2854QX1L"])
def test_published_and_computed_codes_pass(code):
    # The first is the standard's own worked example.
    if code.endswith("L"):
        code = code[:17] + credit_code.check_character(code[:17])
    assert credit_code.problem(code) is None


@pytest.mark.parametrize(
    "code, problem",
    [
        ("91350100M000100Y44", "check"),
        ("91350100M000100Y4", "length"),
        ("91350100M000100Y433", "length"),
        ("91350100MO00100Y43", "characters"),  # O is not allowed
        ("", "length"),
    ],
)
def test_wrong_codes_say_what_is_wrong(code, problem):
    assert credit_code.problem(code) == problem


def test_lower_case_and_spaces_are_forgiven():
    assert credit_code.problem(" 91350100m000100y43 ") is None


def test_the_service_refuses_a_wrong_check_character_with_a_clear_message(app):
    with pytest.raises(ValidationFailed) as err:
        services.find_or_add_enterprise("91350100M000100Y44", "某公司", None)
    assert "校验码不正确" in err.value.fields["credit_code"][0]
    assert db.session.query(Enterprise).count() == 0


def test_the_same_code_never_makes_two_enterprises(app):
    first = services.find_or_add_enterprise("91350100M000100Y43", "温州正泰", None)
    again = services.find_or_add_enterprise("91350100m000100y43", "另一个名字", None)
    assert first.id == again.id and db.session.query(Enterprise).count() == 1

"""Operator commands: how the first admin of an installation is made, and the others."""

from __future__ import annotations

from core.accounts import find_user
from core.extensions import db
from core.models import AuditEntry


def test_users_create_makes_each_kind_of_account(runner, make_teacher):
    teacher = make_teacher()
    code = teacher.school.code
    cases = [
        ["first-admin", "--role", "admin", "--password", "long-enough-1"],
        ["city", "--role", "bureau", "--county", "city", "--password", "long-enough-1"],
        ["lucheng", "--role", "bureau", "--county", "330302", "--password", "long-enough-1"],
        ["hr1", "--role", "school_hr", "--school", code, "--password", "long-enough-1"],
        ["t1", "--role", "teacher", "--school", code, "--teacher", teacher.staff_no,
         "--password", "long-enough-1"],
    ]  # fmt: skip
    for args in cases:
        result = runner.invoke(args=["users", "create", *args])
        assert result.exit_code == 0, result.output
    assert find_user("city").is_city_bureau
    assert find_user("lucheng").county.name == "鹿城区"
    assert find_user("t1").teacher.id == teacher.id
    listed = runner.invoke(args=["users", "list"]).output
    assert "hr1" in listed and code in listed


def test_users_create_prompts_for_the_password(runner):
    result = runner.invoke(
        args=["users", "create", "root", "--role", "admin"], input="long-enough-1\nlong-enough-1\n"
    )
    assert result.exit_code == 0 and "long-enough-1" not in result.output
    assert find_user("root") is not None


def test_bad_input_explains_itself_and_creates_nothing(runner, make_school):
    school = make_school()
    weak = runner.invoke(args=["users", "create", "x1", "--role", "admin", "--password", "short"])
    assert weak.exit_code == 1 and "8" in weak.output
    no_teacher = runner.invoke(
        args=["users", "create", "x2", "--role", "teacher", "--school", school.code,
              "--teacher", "NOPE", "--password", "long-enough-1"]
    )  # fmt: skip
    assert no_teacher.exit_code == 1
    assert find_user("x1") is None and find_user("x2") is None
    bad_school = runner.invoke(
        args=["users", "create", "x3", "--role", "school_hr", "--school", "NOPE", "--password", "x"]
    )
    assert bad_school.exit_code == 2


def test_users_disable_ends_access(runner, make_user):
    user = make_user("school_hr")
    assert runner.invoke(args=["users", "disable", user.username]).exit_code == 0
    db.session.refresh(user)
    assert user.enabled is False
    assert db.session.query(AuditEntry).filter_by(action="disabled").count() == 1

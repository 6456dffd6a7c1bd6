"""Signing in and out, lockout, passwords, the `next` redirect, and disabled accounts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Role
from core.timeutil import utcnow
from tests.conftest import PASSWORD, login


def test_sign_in_lands_on_home_and_sign_out_ends_the_session(client, make_user):
    user = make_user(Role.ADMIN)
    response = login(client, user)
    assert response.status_code == 302 and response.location == "/"
    assert "您好" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    assert client.get("/").location.startswith("/login")


def test_wrong_password_shows_one_message_for_unknown_users_and_wrong_passwords(client, make_user):
    user = make_user(Role.ADMIN)
    wrong = login(client, user, "nope-nope").get_data(as_text=True)
    unknown = login(client, "nobody-here", "nope-nope").get_data(as_text=True)
    assert "用户名或密码错误" in wrong and "用户名或密码错误" in unknown


def test_five_failures_lock_the_account_for_fifteen_minutes(client, make_user):
    user = make_user(Role.SCHOOL_HR)
    for _ in range(5):
        login(client, user, "wrong-password")
    # Even the right password is refused while locked.
    page = login(client, user, PASSWORD)
    assert page.status_code == 200
    # The same words as for an unknown name: the page does not say the account exists.
    unknown = login(client, "nobody-at-all", PASSWORD).get_data(as_text=True)
    message = "用户名或密码错误。连续 5 次错误后，需等待 15 分钟才能再次登录。"
    assert message in page.get_data(as_text=True) and message in unknown
    db.session.refresh(user)
    assert user.locked_until is not None
    assert timedelta(minutes=14) < user.locked_until - utcnow() <= timedelta(minutes=15)
    # When the lock has run out, the right password works again.
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert login(client, user).status_code == 302


def test_four_failures_then_success_resets_the_counter(client, make_user):
    user = make_user(Role.ADMIN)
    for _ in range(4):
        login(client, user, "wrong-password")
    assert login(client, user).status_code == 302
    db.session.refresh(user)
    assert user.failed_logins == 0 and user.locked_until is None


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/teachers", "/teachers"),
        ("/schools?county=330302", "/schools?county=330302"),
        ("https://evil.example/", "/"),
        ("//evil.example/x", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ],
)
def test_next_redirect_only_goes_to_pages_of_this_site(client, make_user, target, expected):
    user = make_user(Role.ADMIN)
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.location == expected


def test_protected_page_sends_anonymous_users_to_sign_in_and_back(client, make_user):
    response = client.get("/teachers?q=x")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    user = make_user(Role.ADMIN)
    back = client.post(response.location, data={"username": user.username, "password": PASSWORD})
    assert back.location == "/teachers?q=x"


def test_changing_the_password_signs_out_other_sessions(app, login_as, make_user):
    user = make_user(Role.SCHOOL_HR)
    phone, laptop = login_as(user), login_as(user)
    response = laptop.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "new-secret-99",
            "confirm": "new-secret-99",
        },
    )
    assert response.status_code == 302
    assert laptop.get("/account").status_code == 200  # this session goes on
    assert phone.get("/account").status_code == 302  # the other one has to sign in again
    assert login(app.test_client(), user, "new-secret-99").status_code == 302


def test_password_change_errors_are_shown_per_field(login_as):
    c = login_as(role=Role.ADMIN)
    page = c.post(
        "/account/password",
        data={"current_password": "wrong-one", "new_password": "short", "confirm": "other"},
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 400
    assert "两次输入的密码不一致" in text


def test_admin_reset_gives_a_temporary_password_that_must_be_changed(app, login_as, make_user):
    admin = login_as(role=Role.ADMIN)
    user = make_user(Role.SCHOOL_HR)
    page = admin.post(f"/admin/users/{user.id}/reset-password")
    temporary = page.get_data(as_text=True).split('class="secret">')[1].split("<")[0]
    c = app.test_client()
    assert login(c, user, PASSWORD).status_code == 200  # old password gone
    assert login(c, user, temporary).status_code == 302
    assert c.get("/teachers").location == "/account/password"
    c.post(
        "/account/password",
        data={
            "current_password": temporary,
            "new_password": "chosen-by-me",
            "confirm": "chosen-by-me",
        },
    )
    assert c.get("/teachers").status_code == 200


def test_a_disabled_account_cannot_sign_in_and_loses_its_session(app, login_as, make_user):
    admin_user = make_user(Role.ADMIN)
    admin = login_as(admin_user)
    user = make_user(Role.SCHOOL_HR)
    session = login_as(user)
    admin.post(f"/admin/users/{user.id}/enabled", data={"enabled": "0"})
    assert session.get("/teachers").status_code == 302
    page = login(app.test_client(), user)
    assert "该账号已停用" in page.get_data(as_text=True)
    # An admin cannot lock themself out.
    assert (
        admin.post(f"/admin/users/{admin_user.id}/enabled", data={"enabled": "0"}).status_code
        == 409
    )


def test_admin_creates_accounts_with_field_messages(login_as, make_teacher):
    admin = login_as(role=Role.ADMIN)
    teacher = make_teacher()
    bad = admin.post(
        "/admin/users/new",
        data={"username": "bad name!", "role": "teacher", "school": teacher.school.code,
              "staff_no": "NOPE", "password": "long-enough-1"},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "请使用字母" in bad.get_data(as_text=True)
    bad = admin.post(
        "/admin/users/new",
        data={"username": "li", "role": "teacher", "school": teacher.school.code,
              "staff_no": "NOPE", "password": "long-enough-1"},
    )  # fmt: skip
    assert "本校没有该工号的教师" in bad.get_data(as_text=True)
    from core.accounts import find_user

    assert find_user("li") is None  # nothing half-saved
    ok = admin.post(
        "/admin/users/new",
        data={"username": "li", "role": "teacher", "school": teacher.school.code,
              "staff_no": teacher.staff_no, "password": "long-enough-1"},
    )  # fmt: skip
    assert ok.status_code == 302
    assert find_user("li").teacher.id == teacher.id

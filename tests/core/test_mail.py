"""Notifications by e-mail, against a real SMTP server started here (aiosmtpd on a loopback
port): each sent once, in the reader's language, after the commit; a refusing server and a
server that is down leave the mail waiting to be tried again, then failed, never lost."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from core import mail
from core.extensions import db
from core.models import Notification, Role
from core.notifications import notify, register_kind
from core.timeutil import utcnow

register_kind("test_hello", "%(name)s: please review the roster.")


class Inbox:
    def __init__(self, refuse: bool = False) -> None:
        self.messages: list[tuple[list[str], str]] = []
        self.refuse = refuse

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        if self.refuse:
            return "550 mailbox unavailable"
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):  # type: ignore[no-untyped-def]
    """A real SMTP server on a loopback port, and the app configured to use it."""
    port = free_port()
    inbox = Inbox()
    server = Server(inbox, port)
    server.start()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=port, MAIL_FROM="shuangshi@test.cn")
    try:
        yield inbox, server
    finally:
        server.stop()
        app.config.update(MAIL_SERVER=None)


class Server:
    """The SMTP server, which a test may take down and bring back up on the same port."""

    def __init__(self, inbox: Inbox, port: int) -> None:
        self.inbox, self.port, self.controller = inbox, port, None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def reader(make_user, **kw):  # type: ignore[no-untyped-def]
    user = make_user(Role.SCHOOL_HR)
    user.email = "hr@school.cn"
    for key, value in kw.items():
        setattr(user, key, value)
    db.session.commit()
    return user


def test_a_notification_is_mailed_once_after_the_commit_in_the_reader_s_language(smtp, make_user):
    inbox, _controller = smtp
    user = reader(make_user, locale="zh_Hans_CN")
    notify(user, "placement_submitted", key="k1", link="/placements/1",
           teacher="王老师", enterprise="正泰电器")  # fmt: skip
    assert inbox.messages == []  # nothing before the commit
    db.session.commit()
    assert len(inbox.messages) == 1
    to, content = inbox.messages[0]
    assert to == ["hr@school.cn"] and "/placements/1" in content
    note = db.session.scalars(select(Notification)).one()
    assert note.mail_status == "sent"
    assert mail.send_queued()["sent"] == 0  # never sent twice
    assert len(inbox.messages) == 1


def test_a_rolled_back_change_mails_nothing(smtp, make_user):
    inbox, _controller = smtp
    user = reader(make_user)
    notify(user, "test_hello", key="k2", name="x")
    db.session.rollback()
    assert inbox.messages == [] and db.session.scalars(select(Notification)).all() == []


def test_readers_without_mail_or_with_a_digest(smtp, make_user):
    inbox, _controller = smtp
    off = reader(make_user, mail_notifications="off")
    digest = reader(make_user, mail_notifications="digest")
    for n, user in enumerate((off, digest)):
        notify(user, "test_hello", key=f"d{n}", name="名册")
        notify(user, "test_hello", key=f"e{n}", name="名册二")
    db.session.commit()
    assert inbox.messages == []
    statuses = {(n.user_id, n.mail_status) for n in db.session.scalars(select(Notification))}
    assert statuses == {(off.id, "skipped"), (digest.id, "digest")}
    assert mail.daily_digest() == {"digests": 1}
    db.session.commit()
    assert len(inbox.messages) == 1 and "名册二" in inbox.messages[0][1]


def test_a_server_that_is_down_or_refuses_leaves_the_mail_waiting_then_failed(smtp, make_user, app):
    inbox, controller = smtp
    user = reader(make_user)
    controller.stop()  # the mail server is down
    notify(user, "test_hello", key="k3", name="x")
    db.session.commit()
    note = db.session.scalars(select(Notification)).one()
    assert (note.mail_status, note.mail_attempts) == ("queued", 1)  # waiting, not lost

    controller.start()  # back up: the next try (housekeeping) sends it, once
    note.mail_next_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert mail.send_queued()["sent"] == 1
    assert len(inbox.messages) == 1

    inbox.refuse = True  # a server that refuses: tried again and again, then marked failed
    notify(user, "test_hello", key="k4", name="y")
    db.session.commit()
    refused = db.session.scalars(select(Notification).where(Notification.key == "k4")).one()
    for _ in range(mail.MAX_ATTEMPTS):
        refused.mail_next_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
        mail.send_queued()
        db.session.refresh(refused)
    assert (refused.mail_status, refused.mail_attempts) == ("failed", mail.MAX_ATTEMPTS)
    assert len(inbox.messages) == 1


def test_the_account_page_sets_the_address_and_how_often(login_as, make_user):
    user = make_user(Role.TEACHER)
    page = login_as(user)
    assert "通知邮件" in page.get("/account").get_data(as_text=True)
    bad = page.post("/account/mail", data={"email": "not-an-address", "mail_notifications": "each"})
    assert bad.status_code == 400
    ok = page.post("/account/mail", data={"email": "t@school.cn", "mail_notifications": "digest"})
    assert ok.status_code == 302
    db.session.refresh(user)
    assert (user.email, user.mail_notifications) == ("t@school.cn", "digest")


def test_only_a_mail_whose_sender_died_goes_back_to_the_queue(app, make_user):
    user = make_user(Role.SCHOOL_HR)
    for key, lease in (("dead", -1), ("busy", 10)):
        db.session.add(
            Notification(user_id=user.id, kind="test_hello", params={"name": "x"}, key=key,
                         mail_status="sending", mail_next_at=utcnow() + timedelta(minutes=lease))
        )  # fmt: skip
    db.session.commit()
    assert mail.resend_stuck() == 1
    db.session.commit()
    statuses = {n.key: n.mail_status for n in db.session.scalars(select(Notification))}
    assert statuses == {"dead": "queued", "busy": "sending"}


class Counting(Inbox):
    """An inbox that counts the SMTP conversations (one EHLO each)."""

    def __init__(self) -> None:
        super().__init__()
        self.conversations = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # type: ignore[no-untyped-def]  # noqa: N802
        self.conversations += 1
        session.host_name = hostname
        return responses


@pytest.mark.parametrize("mode", ["ssl", "starttls"])
def test_mail_over_ssl_or_starttls_carries_date_and_message_id_in_one_conversation(
    app, make_user, tmp_path, monkeypatch, mode
):  # type: ignore[no-untyped-def]
    import ssl

    import trustme

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    authority.cert_pem.write_to_path(str(tmp_path / "ca.pem"))
    inbox, port = Counting(), free_port()
    tls = {"ssl_context": server_context} if mode == "ssl" else {
        "tls_context": server_context, "require_starttls": True}  # fmt: skip
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **tls)
    controller.start()
    settings = {
        "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port, "MAIL_FROM": "shuangshi@wzedu.cn",
        "MAIL_CA_FILE": str(tmp_path / "ca.pem"), "MAIL_USE_SSL": mode == "ssl",
        "MAIL_USE_TLS": mode == "starttls",
    }  # fmt: skip
    try:
        for key, value in settings.items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setattr("core.tasks.send_function", lambda _name: None)  # sent below, at once
        user = reader(make_user)
        for n in range(3):
            notify(user, "test_hello", key=f"batch{n}", name=f"第{n}批")
        db.session.commit()
        assert mail.send_queued()["sent"] == 3
    finally:
        controller.stop()
    # One conversation for the three (STARTTLS greets again once encrypted: two EHLO).
    assert len(inbox.messages) == 3 and inbox.conversations == (1 if mode == "ssl" else 2)
    for _to, content in inbox.messages:
        assert "\nDate: " in content and "\nMessage-ID: <" in content and "@wzedu.cn>" in content

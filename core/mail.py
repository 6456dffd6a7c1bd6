"""Notifications by e-mail, when SMTP is configured (MAIL_SERVER …): each in the reader's language,
or a daily digest, as the reader chose on their account page.

A notification is stored with mail_status "queued" in the transaction that makes it; after the
commit a message on the task queue asks a worker to send what is queued, so a slow or failing mail
server never holds up or fails a request. A worker claims each mail (queued → sending, one winner)
before sending it; a failure puts it back with a later time to try, and after MAX_ATTEMPTS it is
marked failed. Nothing is lost while the server is down: the mail waits and the 5-minute
housekeeping job tries again.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from .extensions import db
from .models import Notification, User
from .notifications import text_of
from .timeutil import utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 5
SENDING_LEASE = timedelta(minutes=30)  # far longer than one SMTP conversation
PREFERENCES = ("each", "digest", "off")


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


class Connection:
    """One SMTP conversation for a batch of mails, opened at the first and closed at the end
    (a connection per message is what providers throttle). SSL from the start on port 465
    (`MAIL_USE_SSL`, as Chinese providers commonly want), or STARTTLS (`MAIL_USE_TLS`)."""

    def __init__(self) -> None:
        self.smtp: smtplib.SMTP | None = None

    def _open(self) -> smtplib.SMTP:
        config = current_app.config
        server, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
        if config.get("MAIL_USE_SSL"):
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(server, port, timeout=15,
                                                  context=ssl_context())  # fmt: skip
        else:
            smtp = smtplib.SMTP(server, port, timeout=15)
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self.smtp is None:
            self.smtp = self._open()
        try:
            self.smtp.send_message(message)
        except (OSError, smtplib.SMTPServerDisconnected):
            self.close()  # the next message opens a new conversation
            raise

    def close(self) -> None:
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            self.smtp = None


def ssl_context() -> ssl.SSLContext:
    """The system's trusted certificates; MAIL_CA_FILE adds a private authority (an intranet)."""
    return ssl.create_default_context(cafile=current_app.config.get("MAIL_CA_FILE") or None)


def _message(user: User | None, subject: str, body: str) -> EmailMessage:
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = user.email if user is not None else ""
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)
    return message


def send_to(address: str, subject: str, body: str) -> None:
    """One message to someone without an account (an enterprise mentor), sent now: the caller
    is a background task, which retries when the mail server fails."""
    message = _message(None, subject, body)
    del message["To"]
    message["To"] = address
    connection = Connection()
    try:
        connection.send(message)
    finally:
        connection.close()


def public_url(path: str) -> str:
    """`path` as a link that works outside the application (PUBLIC_URL in front)."""
    return _link(path)


def _link(path: str) -> str:
    return current_app.config.get("PUBLIC_URL", "").rstrip("/") + path if path else ""


def send_queued() -> dict[str, int]:
    """Send every queued mail that is due (each notification once); safe to run anywhere."""
    now = utcnow()
    due = db.session.scalars(
        select(Notification.id).where(
            Notification.mail_status == "queued",
            or_(Notification.mail_next_at.is_(None), Notification.mail_next_at <= now),
        )
    ).all()
    db.session.commit()
    counts = {"sent": 0, "failed": 0, "later": 0, "skipped": 0, "digest": 0}
    connection = Connection()
    try:
        for notification_id in due:
            counts[_send_one(notification_id, connection)] += 1
    finally:
        connection.close()
    return counts


def _send_one(notification_id: int, connection: Connection) -> str:
    claimed = db.session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.mail_status == "queued")
        .values(
            mail_status="sending",
            mail_attempts=Notification.mail_attempts + 1,
            mail_next_at=utcnow() + SENDING_LEASE,  # after this, a worker that died let go
        )
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if claimed.rowcount != 1:
        return "skipped"  # another worker has it
    notification = db.session.get(Notification, notification_id)
    user = db.session.get(User, notification.user_id)
    if not user.email or user.mail_notifications == "off" or not user.enabled:
        return _finish(notification, "skipped")
    if user.mail_notifications == "digest":
        return _finish(notification, "digest")
    with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        text = text_of(notification)
        body = text + ("\n\n" + _link(notification.link) if notification.link else "")
        message = _message(user, _("Shuangshi: %(text)s", text=text)[:150], body)
    try:
        connection.send(message)
    except (OSError, smtplib.SMTPException) as err:
        log.warning("mail %s to %s not sent: %s", notification_id, user.email, err)
        if notification.mail_attempts >= MAX_ATTEMPTS:
            return _finish(notification, "failed")
        notification.mail_status = "queued"
        notification.mail_next_at = utcnow() + timedelta(minutes=2**notification.mail_attempts)
        db.session.commit()
        return "later"
    return _finish(notification, "sent")


def _finish(notification: Notification, status: str) -> str:
    notification.mail_status = status
    db.session.commit()
    return "sent" if status == "sent" else status


def resend_stuck() -> int:
    """Housekeeping: a mail left "sending" by a worker that died goes back to the queue."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.mail_status == "sending", Notification.mail_next_at < utcnow())
        .values(mail_status="queued")
    )
    return result.rowcount or 0


def daily_digest() -> dict[str, int]:
    """One mail a day to each reader who chose the digest, with everything since the last."""
    rows = db.session.scalars(
        select(Notification)
        .where(Notification.mail_status == "digest")
        .order_by(Notification.user_id, Notification.id)
    ).all()
    by_user: dict[int, list[Notification]] = {}
    for n in rows:
        by_user.setdefault(n.user_id, []).append(n)
    sent = 0
    connection = Connection()
    for user_id, notes in by_user.items():
        user = db.session.get(User, user_id)
        with force_locale(user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            lines = [f"- {text_of(n)} {_link(n.link)}".rstrip() for n in notes]
            message = _message(
                user, _("Shuangshi: %(n)d notifications today", n=len(notes)), "\n".join(lines)
            )
        try:
            connection.send(message)
        except (OSError, smtplib.SMTPException) as err:
            log.warning("digest to %s not sent: %s", user.email, err)
            continue  # kept as "digest": tomorrow's digest carries them
        for n in notes:
            n.mail_status = "sent"
        sent += 1
    connection.close()
    db.session.flush()
    return {"digests": sent}

"""In-app notifications. Packages register the kinds they send (a translatable message with
%(name)s parameters); a notification stores the kind and parameters, so each reader sees it in
their own language."""

from __future__ import annotations

from typing import Any

from blinker import Namespace
from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from .db import paginate
from .extensions import db
from .models import Notification, User
from .permissions import login_required
from .timeutil import utcnow
from .urls import safe_next

KINDS: dict[str, Any] = {}
bp = Blueprint("notifications", __name__)


def register_kind(kind: str, message: Any) -> None:
    KINDS[kind] = message


# A notification was queued for mail (sender: the app). core.tasks connects to it in its
# init_app and has the queue sent once the transaction commits: a named signal, not a function
# put in place from outside (the mail module reads this one's texts).
mail_queued = Namespace().signal("core.notification-mail-queued")


def notify(user: User | int, kind: str, key: str, link: str = "", **params: Any) -> None:
    """Send `kind` to `user` once per `key` (a second call with the same key does nothing)."""
    if kind not in KINDS:
        raise KeyError(f"unregistered notification kind {kind}")
    values = {
        "user_id": user if isinstance(user, int) else user.id,
        "kind": kind,
        "params": params,
        "link": link,
        "key": key[:120],
        "created_at": utcnow(),
    }
    if current_app.config.get("MAIL_SERVER"):
        values["mail_status"] = "queued"  # the reader's choice is applied when it is sent
        mail_queued.send(current_app._get_current_object())
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    db.session.execute(insert(Notification).values(**values).on_conflict_do_nothing())


def text_of(notification: Notification) -> str:
    message = KINDS.get(notification.kind)
    if message is None:
        return notification.kind
    return str(message) % notification.params if notification.params else str(message)


def unread_count(user: User) -> int:
    return db.session.scalar(
        select(func.count(Notification.id)).where(
            Notification.user_id == user.id, Notification.read_at.is_(None)
        )
    )


def own(user: User) -> Select[tuple[Notification]]:
    """The user's notifications, newest first."""
    return (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def mark_all_read(user: User) -> None:
    db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )


@bp.get("/notifications")
@login_required
def index():  # type: ignore[no-untyped-def]
    pagination = paginate(
        own(current_user),
        page=request.args.get("page", 1, type=int),
        per_page=30,
    )
    return render_template("core/notifications.html", pagination=pagination, text_of=text_of)


@bp.post("/notifications/read")
@login_required
def mark_read():  # type: ignore[no-untyped-def]
    mark_all_read(current_user)
    return redirect(safe_next(request.form.get("next")) or url_for("notifications.index"))


@bp.get("/notifications/<int:notification_id>")
@login_required
def open_one(notification_id: int):  # type: ignore[no-untyped-def]
    note = db.session.get(Notification, notification_id)
    if note is None or note.user_id != current_user.id:
        return redirect(url_for("notifications.index"))
    if note.read_at is None:
        note.read_at = utcnow()
    return redirect(safe_next(note.link) or url_for("notifications.index"))

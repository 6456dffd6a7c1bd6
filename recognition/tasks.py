"""Certificate batches (one PDF, or a ZIP of one PDF each), made by a worker with progress."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from flask import current_app, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from core import tasks
from core.errors import ValidationFailed
from core.extensions import db
from core.models import Task, User

from . import certificates, labels, services
from .models import Kind, Recognition, Status

CERTIFICATES = "recognition.certificates"


def batch_query(user: User, kind: str, since: date | None):  # type: ignore[no-untyped-def]
    """The confirmed certificates of `kind` the user may see (confirmed since `since`) that
    Shuangshi issued: a recognition imported as held has the province's certificate, not ours."""
    query = services.visible(user).where(
        Recognition.status == Status.CONFIRMED,
        Recognition.kind == kind,
        Recognition.verification_code.is_not(None),
    )
    if since:
        query = query.where(Recognition.confirmed_on >= since)
    return query.order_by(Recognition.id)


def start_batch(user: User, data: Mapping[str, Any], base_url: str) -> Task:
    """Queue a batch from what the person chose (`fmt` pdf|zip, `kind`, `since` YYYY-MM-DD);
    ValidationFailed names each field that cannot be used."""
    fmt = str(data.get("fmt") or "pdf")
    kind = str(data.get("kind") or Kind.D_CLASS)
    since_text = str(data.get("since") or "").strip()
    errors = {}
    if fmt not in ("pdf", "zip"):
        errors["fmt"] = _("Choose PDF or ZIP.")
    if kind not in labels.KIND:
        errors["kind"] = _("Choose a kind of recognition.")
    since = None
    try:
        since = date.fromisoformat(since_text) if since_text else None
    except ValueError:
        errors["since"] = _("Enter a date as YYYY-MM-DD.")
    if errors:
        raise ValidationFailed(errors)
    query = batch_query(user, kind, since)
    count = db.session.scalar(select(func.count()).select_from(query.subquery()))
    if not count:
        raise ValidationFailed(
            {"kind": _("No %(kind)s certificate has been confirmed yet.", kind=labels.KIND[kind])}
        )
    what = _("%(kind)s, %(n)d certificates", kind=labels.KIND[kind], n=count)
    if since:
        what += _(", confirmed since %(day)s", day=since.isoformat())
    return tasks.start(
        CERTIFICATES,
        user,
        {"kind": kind, "fmt": fmt, "since": since_text or None, "base_url": base_url},
        title=f"{what} ({fmt.upper()})",
        total=count,
    )


def make_batch(task: Task, progress: tasks.Progress) -> tasks.Output:
    params: dict[str, Any] = task.params
    since = date.fromisoformat(params["since"]) if params.get("since") else None
    records = db.session.scalars(batch_query(task.started_by, params["kind"], since)).all()
    progress(0, len(records), force=True)
    with current_app.test_request_context(base_url=params["base_url"]):
        items = [
            (r, url_for("recognition.verify", code=r.verification_code, _external=True))
            for r in records
        ]

    def counted() -> Iterator[tuple[Recognition, str]]:
        for n, item in enumerate(items, start=1):
            yield item
            progress(n)

    if params["fmt"] == "zip":
        data = certificates.certificates_zip(counted())
        return tasks.Output("认定证书.zip", "application/zip", data,
                            {"summary": [[_("Certificates"), len(items)]]})  # fmt: skip
    data = certificates.certificates(items, on_page=progress)
    return tasks.Output("认定证书.pdf", "application/pdf", data,
                        {"summary": [[_("Certificates"), len(items)]]})  # fmt: skip

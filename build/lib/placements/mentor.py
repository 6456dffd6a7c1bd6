"""The enterprise mentor confirms without an account, through a signed, single-use link that
expires after 30 days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from core import audit
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import User
from core.timeutil import utcnow

from .models import Confirmation, MentorLink, Placement, PlacementStatus
from .permissions import can_edit, is_school_hr
from .services import WORKFLOW

LINK_DAYS = 30


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="mentor-link")


def create_link(placement: Placement, by: User) -> str:
    """A new link for the mentor (any earlier open link of the placement stops working)."""
    if not (can_edit(by, placement) or is_school_hr(by, placement)):
        raise PermissionDenied(_("You may not ask for confirmation of this placement."))
    if placement.status != PlacementStatus.SUBMITTED:
        raise Conflict(
            _("Submit the placement before asking the enterprise to confirm it."),
            status=placement.status,
        )
    if placement.confirmed:
        raise Conflict(
            _("The enterprise has already confirmed this placement."), status=placement.status
        )
    now = utcnow()
    db.session.execute(
        update(MentorLink)
        .where(
            MentorLink.placement_id == placement.id,
            MentorLink.used_at.is_(None),
            MentorLink.closed_at.is_(None),
        )
        .values(closed_at=now)
    )
    link = MentorLink(
        placement_id=placement.id, created_by_id=by.id, expires_at=now + timedelta(days=LINK_DAYS)
    )
    db.session.add(link)
    db.session.flush()
    audit.record("mentor_link_created", placement, by=by)
    return token_of(link)


def token_of(link: MentorLink) -> str:
    """The link's token: the same every time, so the teacher can show it again until it is used
    or expires."""
    return _serializer().dumps({"link": link.id})


def open_link(token: str) -> MentorLink:
    """The link behind `token`, if it is genuine, unused, open and not expired."""
    try:
        link_id = _serializer().loads(token)["link"]
    except (BadSignature, KeyError, TypeError):
        raise NotFound(_("This confirmation link is not valid.")) from None
    link = db.session.get(MentorLink, link_id)
    if link is None:
        raise NotFound(_("This confirmation link is not valid."))
    if link.used_at is not None:
        raise Conflict(_("This link has already been used. Thank you."))
    if link.closed_at is not None or link.expires_at < utcnow():
        raise Conflict(_("This link has expired. Ask the teacher for a new one."))
    if link.placement.status != PlacementStatus.SUBMITTED:
        raise Conflict(_("This placement no longer awaits confirmation."))
    return link


def confirm(token: str, days: Decimal, mentor: str) -> Placement:
    link = open_link(token)
    placement = link.placement
    if days is None or days <= 0 or days > placement.days:
        raise ValidationFailed(
            {"days": _("Confirm between 0.5 and %(days)s days.", days=placement.days)}
        )
    if not (mentor or "").strip():
        raise ValidationFailed({"mentor": _("Enter your name.")})
    link.used_at = utcnow()
    placement.confirmation = Confirmation.MENTOR
    placement.confirmed_days = days
    placement.confirmed_at = link.used_at
    placement.confirmed_by = mentor.strip()[:60]
    if days < placement.days:
        # What the enterprise confirms is what counts.
        placement.days = days
    audit.record_changes(
        "mentor_confirmed",
        placement,
        note=_("Confirmed by the enterprise mentor %(name)s.", name=placement.confirmed_by),
    )
    WORKFLOW.announce(placement, "mentor_confirmed", None)
    return placement


def decline(token: str, reason: str, mentor: str) -> Placement:
    link = open_link(token)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": _("Tell the school why you decline.")})
    link.used_at = utcnow()
    # Declined by the enterprise: back to the teacher to put right.
    return WORKFLOW.transition(
        link.placement, "mentor_declined", None, reason.strip()[:500], mentor=mentor
    )


def close_expired() -> int:
    """Close links past their expiry (the daily job); returns how many."""
    result = db.session.execute(
        update(MentorLink)
        .where(
            MentorLink.used_at.is_(None),
            MentorLink.closed_at.is_(None),
            MentorLink.expires_at < utcnow(),
        )
        .values(closed_at=utcnow())
    )
    return result.rowcount or 0


def open_links(placement: Placement) -> list[MentorLink]:
    return list(
        db.session.scalars(
            select(MentorLink).where(
                MentorLink.placement_id == placement.id,
                MentorLink.used_at.is_(None),
                MentorLink.closed_at.is_(None),
            )
        )
    )

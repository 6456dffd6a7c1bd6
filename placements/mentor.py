"""The enterprise mentor confirms without an account, through a signed, single-use link that
expires after 30 days."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update

from core import audit, mail, tasks
from core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from core.extensions import db
from core.models import Task, User
from core.timeutil import utcnow
from core.workflow import lock

from .models import MentorLink, Placement, PlacementStatus
from .permissions import can_edit, is_school_hr
from .services import WORKFLOW
from .signals import submitted

LINK_DAYS = 30
WRONG_DIGITS_CLOSE = 3  # wrong phone digits before the link closes


def phone_digits(placement: Placement) -> str:
    """The last four digits of the mentor's phone the teacher entered ("" when none is on file):
    whoever opens the link types them, so a forwarded link alone confirms nothing."""
    digits = "".join(c for c in placement.mentor_phone or "" if c.isdigit())
    return digits[-4:] if len(digits) >= 4 else ""


def check_digits(link: MentorLink, typed: str | None) -> str | None:
    """None when the digits are right (or none are asked); else the message for the field. A
    wrong entry is counted (and kept: the caller commits it like a failed sign-in); the third
    closes the link and tells the teacher to check the number and send a new one."""
    expected = phone_digits(link.placement)
    typed = "".join(c for c in typed or "" if c.isdigit())
    if not expected or typed == expected:
        return None
    if not typed:
        return _("Enter the last four digits of your phone number.")
    link.wrong_digits += 1
    if link.wrong_digits < WRONG_DIGITS_CLOSE:
        return _("These are not the last four digits of the phone number the teacher entered "
                 "(%(left)d tries left).", left=WRONG_DIGITS_CLOSE - link.wrong_digits)  # fmt: skip
    link.closed_at = utcnow()
    placement = link.placement
    audit.record("mentor_link_closed", placement, by=None,
                 note=_("Closed after three wrong phone digits."))  # fmt: skip
    WORKFLOW.announce(placement, "mentor_link_closed", None)
    return _("Three wrong entries: this link is closed. The teacher has been told and will send "
             "a new one.")  # fmt: skip


def share_text(placement: Placement, url: str) -> str:
    """The message a teacher pastes into WeChat for the mentor."""
    text = _(
        "%(teacher)s (%(school)s) asks you to confirm their enterprise practice at %(enterprise)s, "
        "%(start)s to %(end)s, %(days)s days: %(url)s",
        teacher=placement.teacher.name, school=placement.teacher.school.name,
        enterprise=placement.enterprise.name, start=placement.start_date,
        end=placement.end_date, days=placement.days, url=url,
    )  # fmt: skip
    if phone_digits(placement):
        text += " " + _("You will be asked for the last four digits of your phone number.")
    return text


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
    _mail_if_known(placement, link, by)
    return token_of(link)


MAIL_TASK = "placements.mentor_mail"


def mail_the_link(task: Task, _progress: tasks.Progress) -> dict[str, bool]:
    """Mail the mentor the link (a task: a failing mail server is tried again, and the teacher
    who submitted is told if it never works)."""
    link = db.session.get(MentorLink, task.params["link"])
    if link is None or link.used_at is not None or link.closed_at is not None:
        return {"sent": False}  # used or replaced meanwhile: nothing to send
    placement = link.placement
    url = mail.public_url(f"/confirm/{token_of(link)}")
    subject = _("Please confirm the enterprise practice of %(teacher)s",
                teacher=placement.teacher.name)  # fmt: skip
    mail.send_to(placement.mentor_email, subject, share_text(placement, url))
    return {"sent": True}


def _mail_if_known(placement: Placement, link: MentorLink, by: User) -> None:
    if placement.mentor_email and mail.configured():
        tasks.start(MAIL_TASK, by, {"link": link.id}, title=placement.mentor_email)


@submitted.connect
def _hand_to_mentor(placement: Placement, by: User | None = None) -> None:
    """Submitting makes the mentor's link at once: the page shows it with its QR code and a
    message ready to send. Not when the enterprise has confirmed already."""
    if by is not None and not placement.confirmed:
        create_link(placement, by)


def token_of(link: MentorLink) -> str:
    """The link's token: the same every time, so the teacher can show it again until it is used
    or expires."""
    return _serializer().dumps({"link": link.id})


def open_link(token: str, *, locked: bool = False) -> MentorLink:
    """The link behind `token`, if it is genuine, unused, open and not expired. `locked` (an
    answer the mentor sends): read under its row lock until the transaction ends, so of forty
    guesses at once each sees the tries before it, and the link closes after exactly three."""
    try:
        link_id = _serializer().loads(token)["link"]
    except (BadSignature, KeyError, TypeError):
        raise NotFound(_("This confirmation link is not valid.")) from None
    link = db.session.get(MentorLink, link_id)
    if link is None:
        raise NotFound(_("This confirmation link is not valid."))
    if locked:
        lock(link)
    if link.used_at is not None:
        raise Conflict(_("This link has already been used. Thank you."))
    if link.closed_at is not None or link.expires_at < utcnow():
        raise Conflict(_("This link has expired. Ask the teacher for a new one."))
    if link.placement.status != PlacementStatus.SUBMITTED:
        raise Conflict(_("This placement no longer awaits confirmation."))
    return link


def confirm(token: str, days: Decimal, mentor: str) -> Placement:
    """The mentor confirms through the link: the workflow's step, under the placement's lock."""
    link = open_link(token, locked=True)
    placement = WORKFLOW.transition(
        link.placement, "mentor_confirmed", None,
        _("Confirmed by the enterprise mentor %(name)s.", name=(mentor or "").strip()[:60]),
        days=days, mentor=mentor,
    )  # fmt: skip
    link.used_at = placement.confirmed_at
    return placement


def decline(token: str, reason: str, mentor: str) -> Placement:
    link = open_link(token, locked=True)
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

"""Seals (公章): each issuing body uploads its seal once, and the documents it issues carry it over
its name. Issuers: the city bureau (`city`), a county bureau (`county:<code>`), a school
(`school:<code>`); who may change a seal is the body itself or an administrator.

A seal must be a PNG with a transparent background (a JPEG cannot be transparent: pressed over
the name it would hide it behind a white square), at most 2 MB and of a sensible size."""

from __future__ import annotations

import io
import warnings
from datetime import date, timedelta

from flask_babel import gettext as _
from PIL import Image, PngImagePlugin
from sqlalchemy import or_, select
from werkzeug.datastructures import FileStorage

from . import audit
from .errors import NotFound, PermissionDenied, ValidationFailed
from .extensions import db
from .models import County, Role, School, Seal, User
from .storage import storage
from .timeutil import start_of_local_day, utcnow
from .uploads import check_file, save_upload

MAX_BYTES = 2 * 1024 * 1024
# A seal needs no text: Pillow would keep up to 64 MB of unpacked text chunks (zTXt, iTXt) per
# image; beyond these bounds it refuses the file (a ValueError, answered as the seal's message).
PngImagePlugin.MAX_TEXT_CHUNK = 1024 * 1024
PngImagePlugin.MAX_TEXT_MEMORY = 2 * 1024 * 1024
MIN_SIDE, MAX_SIDE = 100, 4000  # pixels: too small prints blurred, too large is no seal
CITY_ISSUER = "温州市教育局"


def issuer_name(issuer: str) -> str:
    """The issuing body's name as printed under its seal."""
    kind, _sep, code = issuer.partition(":")
    if kind == "county":
        county = db.session.scalar(select(County).where(County.code == code))
        return f"{county.name}教育局" if county else code
    if kind == "school":
        school = db.session.scalar(select(School).where(School.code == code))
        return school.name if school else code
    return CITY_ISSUER


def resolve(issuer: str) -> tuple[str, School | None, County | None]:
    """The issuer key and its school or county; NotFound if there is no such body."""
    kind, _sep, code = issuer.partition(":")
    if kind == "city" and not code:
        return "city", None, None
    if kind == "county":
        county = db.session.scalar(select(County).where(County.code == code))
        if county:
            return issuer, None, county
    if kind == "school":
        school = db.session.scalar(select(School).where(School.code == code))
        if school:
            return issuer, school, None
    raise NotFound(_("No such issuing body."))


def can_manage(user: User, issuer: str) -> bool:
    """The body's own people change its seal: the city bureau the city's, a county bureau its
    county's, school HR their school's; an administrator any."""
    if not user.is_authenticated or not user.enabled:
        return False
    if user.role == Role.ADMIN:
        return True
    _key, school, county = resolve(issuer)
    if user.role == Role.BUREAU:
        if county is not None:
            return user.county_id == county.id
        return school is None and user.is_city_bureau
    return user.role == Role.SCHOOL_HR and school is not None and user.school_id == school.id


def managed_by(user: User) -> list[str]:
    """The issuers whose seal `user` changes (their own body; an administrator: the city's)."""
    if user.role in (Role.ADMIN,) or (user.role == Role.BUREAU and user.is_city_bureau):
        return ["city"]
    if user.role == Role.BUREAU and user.county is not None:
        return [f"county:{user.county.code}"]
    if user.role == Role.SCHOOL_HR and user.school is not None:
        return [f"school:{user.school.code}"]
    return []


def find(issuer: str) -> Seal | None:
    """The seal in force now."""
    return db.session.scalar(select(Seal).where(Seal.issuer == issuer, Seal.replaced_at.is_(None)))


def in_force(issuer: str, on: date) -> Seal | None:
    """The seal in force on `on` (as that day ended in Wenzhou): a document keeps the seal of
    its issue date, whatever was uploaded since ("此后出具的文件")."""
    end = start_of_local_day(on + timedelta(days=1))
    return db.session.scalar(
        select(Seal)
        .where(
            Seal.issuer == issuer,
            Seal.uploaded_at < end,
            or_(Seal.replaced_at.is_(None), Seal.replaced_at >= end),
        )
        .order_by(Seal.uploaded_at.desc())
        .limit(1)
    )


def image(issuer: str, on: date | None = None) -> bytes | None:
    """The image of the seal in force on `on` (today's when not given), or None where the body
    had none then (or its file is gone)."""
    seal = find(issuer) if on is None else in_force(issuer, on)
    if seal is None:
        return None
    key = f"{seal.upload.storage_name[:2]}/{seal.upload.storage_name}"
    store = storage()
    if not store.exists(key):
        return None
    with store.open(key) as f:
        return f.read()


def check_image(file: FileStorage) -> None:
    """Refuse what would not print as a seal, saying what to fix (ValidationFailed on `file`)."""

    def refuse(message: str) -> None:
        raise ValidationFailed({"file": message})

    if not isinstance(file, FileStorage) or not file.filename:
        refuse(_("Choose the seal's image file."))
    file.stream.seek(0, io.SEEK_END)
    size = file.stream.tell()
    file.stream.seek(0)
    if size > MAX_BYTES:
        refuse(_("The seal image is larger than 2 MB: save it smaller (about 600 × 600 pixels)."))
    try:
        kind = check_file(file, ("png", "jpeg"))
    except ValueError:
        refuse(_("The seal must be a PNG image with a transparent background."))
    if kind == "jpeg":
        refuse(
            _("A JPEG has no transparent background: export the seal as a PNG with transparency.")
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(file.stream)
            width, height = picture.size
            if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
                refuse(
                    _("The seal image is %(w)s × %(h)s pixels: use between %(lo)s and %(hi)s "
                      "pixels a side.", w=width, h=height, lo=MIN_SIDE, hi=MAX_SIDE)
                )  # fmt: skip
            picture.load()
    except (OSError, ValueError, SyntaxError, EOFError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):  # fmt: skip
        # Whatever Pillow refuses (a text chunk that unpacks past its bound is a ValueError, a
        # broken chunk a SyntaxError) is the person's file to save again, never our 500.
        refuse(_("The seal image cannot be read: save it again as a PNG."))
    finally:
        file.stream.seek(0)
    if not _has_transparency(picture):
        refuse(
            _("The seal has no transparent background: it would cover the name under it. "
              "Export it as a PNG with a transparent background.")
        )  # fmt: skip


def _has_transparency(picture: Image.Image) -> bool:
    if picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info:
        alpha = picture.convert("RGBA").getchannel("A")
        return alpha.getextrema()[0] < 255
    return False


def save(issuer: str, file: FileStorage, by: User) -> Seal:
    """Upload (or replace) the seal of `issuer`."""
    issuer, school, _county = resolve(issuer)
    if not can_manage(by, issuer):
        raise PermissionDenied(_("Only the issuing body itself may change its seal."))
    check_image(file)
    upload = save_upload(file, by, kinds=("png",))
    now = utcnow()
    previous = find(issuer)
    old = previous.upload_id if previous else None
    if previous is not None:  # kept: the documents issued while it was in force still print it
        previous.replaced_at = now
    seal = Seal(issuer=issuer, upload=upload, school_id=school.id if school else None,
                uploaded_by_id=by.id, uploaded_at=now)  # fmt: skip
    db.session.add(seal)
    db.session.flush()
    audit.record(
        "seal_uploaded", seal, by=by,
        changes={"upload_id": [old, upload.id],
                 "uploaded_at": [previous.uploaded_at if previous else None, now]},
        school_id=seal.school_id, label=issuer_name(issuer),
    )  # fmt: skip
    return seal


def remove(issuer: str, by: User) -> None:
    """Take the seal away: documents keep the empty seal area again."""
    issuer, _school, _county = resolve(issuer)
    if not can_manage(by, issuer):
        raise PermissionDenied(_("Only the issuing body itself may change its seal."))
    seal = find(issuer)
    if seal is None:
        raise NotFound(_("No seal has been uploaded."))
    audit.record(
        "seal_removed", seal, by=by,
        changes={"upload_id": [seal.upload_id, None], "uploaded_at": [seal.uploaded_at, None]},
        school_id=seal.school_id, label=issuer_name(issuer),
    )  # fmt: skip
    seal.replaced_at = utcnow()  # kept for the documents issued while it was in force
    db.session.flush()

"""Evidence files: judged by their content (not their name), at most 10 MB, stored under random
names outside static/, and served only through views that check the owning record."""

from __future__ import annotations

import hashlib
import os
import secrets

from flask import current_app, send_file
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from wtforms.validators import StopValidation

from .extensions import db
from .models import Upload, User
from .storage import storage as file_store

KINDS = {
    "pdf": "application/pdf",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}


def sniff(head: bytes, tail: bytes) -> str | None:
    """The file's real kind from its bytes, or None."""
    if head.startswith(b"%PDF-") and b"%%EOF" in tail:
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n") and head[12:16] == b"IHDR":
        return "png"
    if head.startswith(b"\xff\xd8\xff") and tail.rstrip(b"\x00").endswith(b"\xff\xd9"):
        return "jpeg"
    return None


def check_file(storage: FileStorage, kinds: tuple[str, ...] = ("pdf", "jpeg", "png")) -> str:
    """Return the kind of an uploaded file or raise ValueError with a message for the user."""
    stream = storage.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    if size == 0:
        raise ValueError(_("The file is empty."))
    if size > current_app.config["UPLOAD_MAX_BYTES"]:
        raise ValueError(_("The file is larger than 10 MB."))
    head = stream.read(32)
    stream.seek(max(0, size - 1024))
    tail = stream.read()
    stream.seek(0)
    kind = sniff(head, tail)
    if kind not in kinds:
        names = "/".join(k.upper() for k in kinds)
        raise ValueError(_("Upload a real %(kinds)s file.", kinds=names))
    return kind


class FileContent:
    """WTForms validator: the upload (if any) must really be one of `kinds`."""

    def __init__(self, kinds: tuple[str, ...] = ("pdf", "jpeg", "png")) -> None:
        self.kinds = kinds

    def __call__(self, form: object, field: object) -> None:
        data = getattr(field, "data", None)
        if not isinstance(data, FileStorage) or not data.filename:
            return
        try:
            check_file(data, self.kinds)
        except ValueError as err:
            raise StopValidation(str(err)) from None


def save_upload(
    storage: FileStorage, by: User | None, kinds: tuple[str, ...] = tuple(KINDS)
) -> Upload:
    kind = check_file(storage, kinds)
    data = storage.stream.read()
    name = secrets.token_hex(16) + EXTENSIONS[kind]
    file_store().save(f"{name[:2]}/{name}", data)
    upload = Upload(
        storage_name=name,
        original_name=(os.path.basename(storage.filename or "") or name)[:255],
        content_type=KINDS[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by_id=by.id if by else None,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def download_name(upload: Upload) -> str:
    """The name a download is saved under: the uploaded name's stem, with the extension of what
    the file really is (an HTML page named x.html inside a PDF wrapper downloads as x.pdf)."""
    kind = next((k for k, mime in KINDS.items() if mime == upload.content_type), "pdf")
    stem = os.path.splitext(os.path.basename(upload.original_name))[0] or "file"
    return stem + EXTENSIONS[kind]


def send_upload(upload: Upload):  # type: ignore[no-untyped-def]
    return send_file(
        file_store().path(f"{upload.storage_name[:2]}/{upload.storage_name}"),
        mimetype=upload.content_type,
        download_name=download_name(upload),
        as_attachment=True,
        max_age=0,
    )

"""The files that come with an import in one ZIP (证明材料): each row names its file, and the
import keeps it as that record's evidence. Read as a clerk's computer makes such a ZIP: names in
GBK when Windows' own "send to compressed folder" wrote them, in folders or not."""

from __future__ import annotations

import io
import os
import unicodedata
import zipfile

from flask import current_app
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage

from .uploads import check_file

MAX_FILES = 1000
MAX_TOTAL = 256 * 1024 * 1024  # unpacked, in all: a year's scanned documents of every county
UTF8_NAMES = 0x800  # the ZIP flag saying a member's name is UTF-8


def _plain(name: str) -> str:
    return unicodedata.normalize("NFKC", os.path.basename(name.replace("\\", "/"))).casefold()


def _name(member: zipfile.ZipInfo) -> str:
    """The member's name as its maker wrote it: zipfile reads a name without the UTF-8 flag as
    cp437, and Windows writes GBK there."""
    if member.flag_bits & UTF8_NAMES:
        return member.filename
    try:
        return member.filename.encode("cp437").decode("gb18030")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return member.filename


class Attachments:
    """A ZIP of evidence files, looked up by the name a row gives (its folder, case and
    full-width letters aside). ValueError, in words, when it is no ZIP or too large."""

    def __init__(self, data: bytes) -> None:
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            members = [m for m in self._zip.infolist() if not m.is_dir()]
        except (zipfile.BadZipFile, OSError, ValueError):
            message = _("The evidence file is not a .zip archive: put the documents the sheet "
                        "names in one .zip and upload it again.")  # fmt: skip
            raise ValueError(message) from None
        if len(members) > MAX_FILES or sum(m.file_size for m in members) > MAX_TOTAL:
            raise ValueError(_("The .zip holds more than %(n)d files or 256 MB: upload the "
                               "documents in several imports.", n=MAX_FILES))  # fmt: skip
        self._by_name: dict[str, list[zipfile.ZipInfo]] = {}
        for member in members:
            shown = _name(member)
            if os.path.basename(shown).startswith(("._", "~$")):  # macOS and Office leftovers
                continue
            self._by_name.setdefault(_plain(shown), []).append(member)
        self._names = {id(m): os.path.basename(_name(m)) for m in members}

    def problem(self, name: str) -> str | None:
        """Why the file a row names cannot be used, or None when it can."""
        found = self._by_name.get(_plain(name), [])
        if not found:
            return _("The .zip has no file named “%(name)s”.", name=name)
        if len(found) > 1:
            return _("The .zip has %(n)d files named “%(name)s”: keep one.", n=len(found),
                     name=name)  # fmt: skip
        if found[0].file_size > current_app.config["UPLOAD_MAX_BYTES"]:
            return _("The file is larger than 10 MB.")
        try:
            check_file(self.file(name))  # a PDF or an image, judged by its content
        except zipfile.BadZipFile:  # the CRC or the size is wrong
            return _("“%(name)s” is damaged in the .zip: pack it again.", name=name)
        except ValueError as err:
            return _("“%(name)s”: %(problem)s", name=name, problem=str(err))
        return None

    def file(self, name: str) -> FileStorage:
        """The file a row names, ready for `save_upload` (ask `problem` first)."""
        member = self._by_name[_plain(name)][0]
        data = self._zip.read(member)  # checks the CRC: a damaged member raises BadZipFile
        return FileStorage(io.BytesIO(data), filename=self._names[id(member)])

"""Where files live: evidence uploads and the files that background tasks produce.

One interface, so that several web and worker machines can share the files: the default keeps
them in a folder (`UPLOAD_FOLDER`, the instance folder unless set); several machines mount the
same network file system there. Keys are relative paths chosen by the application
(`ab/abcdef….pdf`, `tasks/12/certificates.zip`), never by a user.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from flask import current_app


class LocalStorage:
    """Files in a folder. Writes land under a temporary name and are renamed into place, so a
    reader on another machine never sees half a file."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"storage key outside the store: {key!r}")
        return path

    def save(self, key: str, data: bytes | Iterable[bytes]) -> int:
        path = self.path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        size = 0
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
        try:
            with os.fdopen(fd, "wb") as out:
                for chunk in [data] if isinstance(data, bytes) else data:
                    out.write(chunk)
                    size += len(chunk)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return size

    def open(self, key: str) -> BinaryIO:
        return self.path(key).open("rb")

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def storage() -> LocalStorage:
    return LocalStorage(current_app.config["UPLOAD_FOLDER"])

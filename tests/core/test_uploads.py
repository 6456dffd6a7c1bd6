"""Uploads are judged by their bytes, limited to 10 MB, and stored outside static/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from werkzeug.datastructures import FileStorage

from core.uploads import check_file, save_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"


def storage(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


@pytest.mark.parametrize("data, kind", [(PDF, "pdf"), (PNG, "png"), (JPEG, "jpeg")])
def test_real_files_are_recognised_whatever_their_name(app, data, kind):
    assert check_file(storage(data, "scan.txt")) == kind


@pytest.mark.parametrize(
    "data",
    [b"", b"MZ\x90\x00 not a pdf", b"%PDF-1.4 truncated without an end", b"<html>%PDF-</html>"],
)
def test_fakes_and_empty_files_are_refused(app, data):
    with pytest.raises(ValueError):
        check_file(storage(data, "evidence.pdf"))


def test_files_over_10_mb_are_refused(app):
    big = PDF[:-7] + b" " * (10 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(ValueError, match="10 MB"):
        check_file(storage(big, "big.pdf"))


def test_saved_files_get_random_names_outside_static(app):
    upload = save_upload(storage(PDF, "../../etc/协议.pdf"), by=None)
    folder = Path(app.config["UPLOAD_FOLDER"])
    assert upload.original_name == "协议.pdf"
    assert "协议" not in upload.storage_name and ".." not in upload.storage_name
    stored = folder / upload.storage_name[:2] / upload.storage_name
    assert stored.read_bytes() == PDF
    assert Path(app.static_folder) not in stored.parents

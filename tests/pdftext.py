"""Reading a PDF back as a person would: the text poppler's pdftotext extracts (what a reader can
see, search and copy), its fonts and its images. The hostile setup is the one Chromium brings
(DroidSansFallbackFull.ttf, a CJK font without digits or Latin): in CI it must be installed, so
a document that picked a machine font would lose its numbers here."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

DROID = Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")


def text(data: bytes, layout: bool = True) -> str:
    args = ["pdftotext", *(["-layout"] if layout else []), "-", "-"]
    return subprocess.run(args, input=data, capture_output=True, check=True).stdout.decode()


def fonts(data: bytes) -> str:
    return subprocess.run(["pdffonts", "-"], input=data, capture_output=True).stdout.decode()


def images(data: bytes, tmp_path: Path) -> list[str]:
    """`pdfimages -list` rows (page, number, type, width, height, colour, …, smask rows)."""
    path = tmp_path / "images.pdf"
    path.write_bytes(data)
    listed = subprocess.run(
        ["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return listed[2:]


def hostile_font_present() -> bool:
    """In CI the hostile font must be there: the tests prove nothing on a machine without it."""
    if os.environ.get("CI"):
        assert DROID.is_file(), "CI must run the PDF tests with Chromium's DroidSansFallbackFull"
    return DROID.is_file()


def flat(data: bytes) -> str:
    """The text in reading order with the lines joined: a phrase a line break cut is found."""
    return "".join(text(data, layout=False).splitlines())


def shows(data: bytes, *phrases: str) -> list[str]:
    """The phrases a reader would not find in the document (spacing and line breaks aside)."""
    squeezed = "".join(text(data, layout=False).split())
    return [p for p in phrases if "".join(p.split()) not in squeezed]

"""The compiled message catalogs (.mo) the interface reads its Chinese from.

A wheel carries them compiled at build time (setup.py); a source checkout compiles them with
`make translations`. Should they be missing or older than their .po (a checkout run without
`make`), they are compiled at start rather than the interface silently falling back to English;
where the folder is read-only that is a loud error in the log."""

from __future__ import annotations

import logging
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

log = logging.getLogger(__name__)
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def compile_into(source: Path, target: Path) -> list[Path]:
    """Compile every catalog under `source` into the same layout under `target`."""
    made = []
    for po in sorted(source.glob("*/LC_MESSAGES/*.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as text:
            catalog = read_po(text)
        with mo.open("wb") as out:
            write_mo(out, catalog)
        made.append(mo)
    return made


def stale() -> list[Path]:
    """The catalogs whose .mo is missing or older than the .po it comes from."""
    out = []
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/*.po"):
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            out.append(po)
    return out


def ensure_compiled() -> None:
    if not stale():
        return
    try:
        compile_into(TRANSLATIONS, TRANSLATIONS)
        log.warning("message catalogs were not compiled: compiled them now (make translations)")
    except OSError as err:
        log.error("message catalogs are not compiled and cannot be (%s): the interface will be "
                  "in English; run `make translations` or reinstall the package", err)  # fmt: skip

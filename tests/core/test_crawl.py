"""Every word a person reads is theirs: signed in as each demo role, in Chinese and in English, the
pages of the menu and one level below them (lists, a detail page of each kind, forms, and the PDFs
through pdftotext) show no Python value (`True`, `None`, `{'`), no code (a rule key, an enum value,
a field name), no `#<id>` standing for a record, and, on a Chinese page, no English word outside
a short list of proper nouns."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from sqlalchemy import select

from core import demo
from core.extensions import db
from core.models import User

ROLES = ("admin", "bureau", "bureau_lc", "hr", "hr_lc", "organizer", "teacher")
LANGUAGES = ("zh_Hans_CN", "en")
PAGES_PER_ROLE = 140  # a bound, far above what the menus reach

REPR = re.compile(r"\b(True|False|None)\b|\{'|\['|<\w+ object at 0x|\bUser #\d")
CODE = re.compile(r"\b[a-z][a-z0-9]*_[a-z0-9_]+\b")
RECORD_ID = re.compile(r"(?<![\w&])#\d+\b")
ENGLISH = re.compile(r"[A-Za-z]{2,}")
# Proper nouns and names of formats a Chinese page may show as they are.
ALLOWED_ENGLISH = {
    "English", "Excel", "PDF", "ZIP", "API", "ID", "QR", "URL", "JSON", "OpenAPI", "HTTP",
    "Bearer", "Token", "Shuangshi", "xlsx", "pdf", "zip", "SMTP", "Redoc", "Swagger", "UI",
    "Authorization", "JPEG", "PNG", "MB", "KB", "xls", "ods", "csv", "WPS",
}  # fmt: skip
URLISH = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+|\b[A-Z]*\d[\w-]*\b")
SKIP = ("/logout", "/language/", "/static/", "/healthz", "/api/", "/mentor/", "/verify/")


class Visible(HTMLParser):
    """The text a reader sees: text outside script/style, and titles, placeholders, labels."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        values = dict(attrs)
        for name in ("title", "placeholder", "aria-label", "alt"):
            if values.get(name):
                self.texts.append(values[name] or "")
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"] or "")
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template"):
            self._hidden = max(0, self._hidden - 1)

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data.strip())


def problems(text: str, chinese: bool, allowed: set[str]) -> list[str]:
    found = []
    for pattern, kind in ((REPR, "Python value"), (RECORD_ID, "record id")):
        found += [f"{kind}: {m.group(0)!r} in {text[:80]!r}" for m in pattern.finditer(text)]
    plain = URLISH.sub(" ", text)
    found += [
        f"code: {m.group(0)!r} in {text[:80]!r}"
        for m in CODE.finditer(plain)
        if m.group(0) not in allowed
    ]
    if chinese:
        found += [
            f"English: {m.group(0)!r} in {text[:80]!r}"
            for m in ENGLISH.finditer(plain)
            if m.group(0) not in ALLOWED_ENGLISH and m.group(0) not in allowed
        ]
    return found


def shape(path: str) -> str:
    """One page of each kind: /teachers/12 and /teachers/13 are the same kind, and so are two
    rules' history pages (every rule's value also reads on the rules page itself)."""
    return re.sub(r"^/admin/rules/.+", "/admin/rules/*", re.sub(r"\d+", "N", path))


def crawl(
    app, username: str, language: str, usernames: set[str]
) -> tuple[dict[str, list[str]], list[str]]:  # type: ignore[no-untyped-def]
    client = app.test_client()
    client.post("/login", data={"username": username, "password": demo.DEMO_PASSWORD})
    client.post(f"/language/{language}", data={"next": "/"})
    # Sign-in names are chosen by people (and typed by them), not codes of ours.
    allowed = usernames | {part for name in usernames for part in name.split("_")}
    seen_shapes: set[str] = set()
    queue = ["/"]
    found: dict[str, list[str]] = {}
    depth = {"/": 0}
    visited: list[str] = []
    while queue and len(visited) < PAGES_PER_ROLE:
        path = queue.pop(0)
        response = client.get(path)
        visited.append(path)
        if response.status_code != 200:
            response.close()
            continue
        if response.mimetype == "application/pdf":
            found[path] = pdf_problems(response.get_data(), language.startswith("zh"), allowed)
            continue
        if response.mimetype != "text/html":
            response.close()
            continue
        parser = Visible()
        parser.feed(response.get_data(as_text=True))
        issues = []
        for text in parser.texts:
            issues += problems(text, language.startswith("zh"), allowed)
        if issues:
            found[path] = issues
        level = depth[path]
        if level >= 2:
            continue
        for href in parser.links:
            target = urlsplit(urljoin("http://localhost" + path, href))
            if target.netloc != "localhost" or any(target.path.startswith(s) for s in SKIP):
                continue
            if target.path.endswith((".xlsx", ".zip")):
                continue  # files, not pages (Excel cells are labels: see the export tests)
            url = target.path + (f"?{target.query}" if target.query else "")
            kind = shape(target.path)
            if kind in seen_shapes or url in depth:
                continue
            seen_shapes.add(kind)
            depth[url] = level + 1
            queue.append(url)
    return found, visited


def pdf_problems(data: bytes, chinese: bool, allowed: set[str]) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    issues = []
    for line in text.splitlines():
        if line.strip():
            issues += problems(line.strip(), chinese, allowed)
    return issues


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")
def test_no_page_shows_a_code_or_a_python_value_to_any_role_in_either_language(app):
    demo.build(scale="demo", seed=5, echo=lambda _line: None)
    db.session.commit()
    usernames = set(db.session.scalars(select(User.username)))
    report = []
    pages: dict[str, list[str]] = {}
    for username in ROLES:
        for language in LANGUAGES:
            found, visited = crawl(app, username, language, usernames)
            pages[username] = visited
            for path, issues in found.items():
                report += [f"{username} {language} {path}: {issue}" for issue in issues]
    # The crawl reached each role's pages (a menu that broke would show as too few).
    assert all(len(visited) >= 8 for visited in pages.values()), pages
    unique = sorted(set(report))
    assert not unique, f"{len(unique)} problems:\n" + "\n".join(unique[:5000])

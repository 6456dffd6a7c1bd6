"""zh-CN first, English second: the default, the switch on every page, the user's choice, and
a catalog that keeps up with the code."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from core.config import Config
from core.extensions import db
from core.models import Role

ROOT = Path(__file__).resolve().parents[2]
CATALOG = ROOT / "core/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


def test_pages_are_chinese_by_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="zh-CN"' in page and "登录" in page and "Sign in" not in page


def test_the_switch_changes_the_language_and_returns_to_the_page(client):
    response = client.post("/language/en", data={"next": "/login?next=/teachers"})
    assert response.location == "/login?next=/teachers"
    page = client.get("/login").get_data(as_text=True)
    assert 'lang="en"' in page and "Sign in" in page
    assert client.post("/language/en", data={"next": "https://evil.example"}).location == "/"


def test_a_user_s_language_follows_them_to_a_new_device(login_as, make_user):
    user = make_user(Role.SCHOOL_HR)
    first = login_as(user)
    first.post("/language/en", data={"next": "/"})
    db.session.refresh(user)
    assert user.locale == "en"
    assert "Teachers" in login_as(user).get("/").get_data(as_text=True)


def test_form_errors_and_api_errors_follow_the_language(login_as):
    c = login_as(role=Role.ADMIN)
    c.post("/language/en", data={"next": "/"})
    page = c.post("/schools/new", data={"code": "", "name": ""}).get_data(as_text=True)
    assert "This field is required." in page


def _complete(message) -> bool:  # type: ignore[no-untyped-def]
    forms = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(forms)


def test_every_message_in_the_code_has_a_chinese_translation():
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    # A plural message is keyed by its singular; every one of its forms must be there.
    translated = {(m.id if isinstance(m.id, str) else m.id[0]): m for m in catalog if m.id}
    method_map = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
    found = set()
    for package in ["core", *Config.DOMAIN_PACKAGES]:
        for _file, _line, message, _comments, _ctx in extract_from_dir(
            ROOT / package,
            method_map,
            keywords={
                "_": None,
                "gettext": None,
                "lazy_gettext": None,
                "_l": None,
                "ngettext": (1, 2),
            },
        ):
            found.add(message if isinstance(message, str) else message[0])
    missing = sorted(m for m in found if m not in translated or not _complete(translated[m]))
    fuzzy = sorted(m for m in found if m in translated and translated[m].fuzzy)
    assert not missing, f"untranslated (run `make messages` and fill them in): {missing}"
    assert not fuzzy, f"fuzzy translations to check: {fuzzy}"


def test_every_message_addresses_people_one_way():
    """Notifications mixed 您 and 你: the product speaks to busy staff in one register, 您."""
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    familiar = [m.id for m in catalog if m.id and "你" in str(m.string)]
    assert not familiar, familiar

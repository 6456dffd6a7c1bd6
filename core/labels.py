"""How records, actions, fields and values read to people: one registry, filled by each package
for its own records, read by the audit log (and anything else that shows a stored code).

People never read a code: a stored action (`entry_registered`), a record type (`Placement`), a
field (`hours_per_week`) or a value (`associate_senior`, `True`) reaches a page only through
its label here. An unknown action or field reads as a neutral phrase, never as the code.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask import g, has_request_context, url_for
from flask_babel import format_date, format_datetime, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.routing import BuildError

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}(T[\d:.]+)?$")
YES_NO = {True: _l("Yes"), False: _l("No")}


@dataclass
class RecordKind:
    name: Any  # a lazy string: 企业实践, 教师 …
    endpoint: str | None = None  # the page of one record, given its id as `arg`
    arg: str = "id"
    fields: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Mapping[Any, Any]] = field(default_factory=dict)


KINDS: dict[str, RecordKind] = {}
ACTIONS: dict[str, Any] = {}
# Fields many records share; a kind's own labels win.
COMMON_FIELDS: dict[str, Any] = {
    "name": _l("Name"),
    "status": _l("Status"),
    "note": _l("Note"),
    "reason": _l("Reason"),
    "email": _l("E-mail"),
    "phone": _l("Phone"),
    "school_id": _l("School"),
    "county_id": _l("County"),
    "start_date": _l("Start date"),
    "end_date": _l("End date"),
    "year": _l("Year"),
    "level": _l("Level"),
}


def form_labels(*forms: type) -> dict[str, Any]:
    """The field labels a WTForms form class declares, so a field reads as on its form."""
    out: dict[str, Any] = {}
    for form in forms:
        for name in dir(form):
            unbound = getattr(form, name, None)
            if not hasattr(unbound, "field_class"):
                continue
            label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else None)
            if label:
                out[name] = label
    return out


def register_kind(
    model: type | str,
    name: Any,
    *,
    endpoint: str | None = None,
    arg: str = "id",
    fields: Mapping[str, Any] | None = None,
    forms: Iterable[type] = (),
    values: Mapping[str, Mapping[Any, Any]] | None = None,
) -> None:
    key = model if isinstance(model, str) else model.__name__
    KINDS[key] = RecordKind(
        name, endpoint, arg, {**form_labels(*forms), **(fields or {})}, dict(values or {})
    )


def register_actions(actions: Mapping[str, Any]) -> None:
    ACTIONS.update(actions)


def kind_name(type_name: str) -> str:
    kind = KINDS.get(type_name)
    return str(kind.name) if kind else _("record")


def action_name(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else _("changed")


def record_url(type_name: str, record_id: str | None) -> str | None:
    kind = KINDS.get(type_name)
    if not kind or not kind.endpoint or not record_id:
        return None
    try:
        return url_for(kind.endpoint, **{kind.arg: int(record_id)})
    except (BuildError, ValueError):
        return None


def field_name(type_name: str, code: str) -> str | None:
    """The field's label; None for a field people have no name for (an internal id)."""
    kind = KINDS.get(type_name)
    label = (kind.fields.get(code) if kind else None) or COMMON_FIELDS.get(code)
    if label is None and kind:
        for pattern, text in kind.fields.items():  # "students_*": one label per year
            if pattern.endswith("*") and code.startswith(pattern[:-1]):
                return str(text) % {"rest": code[len(pattern) - 1 :]}
    return str(label) if label is not None else None


def value_text(type_name: str, code: str, value: Any) -> str:
    """A stored value as people read it: its label, yes/no, a date, or the text itself."""
    if value is None or value == "":
        return "—"
    kind = KINDS.get(type_name)
    mapping = kind.values.get(code) if kind else None
    label = _lookup(mapping, value) if mapping is not None else None
    if label is not None:
        return label
    if code in ("school_id", "county_id") and isinstance(value, int):  # the name, not the id
        from .extensions import db
        from .models import County, School

        record = db.session.get(School if code == "school_id" else County, value)
        return record.name if record is not None else str(value)
    if isinstance(value, bool):
        return str(YES_NO[value])
    if isinstance(value, datetime):
        return format_datetime(value, "yyyy-MM-dd HH:mm")
    if isinstance(value, date):
        return format_date(value, "yyyy-MM-dd")
    if isinstance(value, str) and ISO_DAY.match(value):  # dates are kept as ISO text
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return value
        return value_text(type_name, code, parsed if "T" in value else parsed.date())
    if isinstance(value, list | tuple):
        return "、".join(value_text(type_name, code, v) for v in value)
    if isinstance(value, dict):
        return "；".join(
            f"{field_name(type_name, k) or k}：{value_text(type_name, k, v)}"
            for k, v in value.items()
            if field_name(type_name, k)
        )
    return str(value)


def changes_text(type_name: str, changes: Mapping[str, list[Any]]) -> list[tuple[str, str, str]]:
    """[(field label, old, new)] of the changes people have words for, in a stable order."""
    out = []
    for code, pair in (changes or {}).items():
        label = field_name(type_name, code)
        if label is None:
            continue
        old, new = (list(pair) + [None, None])[:2]
        out.append((label, value_text(type_name, code, old), value_text(type_name, code, new)))
    return out


def register_core() -> None:
    """Core's own records and the verbs every package shares."""
    from .forms import ROLE_LABELS, MailForm, SchoolForm, UserForm
    from .org import FOUNDER_LABELS, SCHOOL_TYPE_LABELS

    register_actions(
        {
            "create": _l("created"),
            "update": _l("changed"),
            "delete": _l("deleted"),
            "status": _l("changed the status of"),
            "login": _l("signed in as"),
            "login_failed": _l("failed to sign in as"),
            "account_locked": _l("locked after failed sign-ins:"),
            "password_changed": _l("changed the password of"),
            "password_reset": _l("reset the password of"),
            "signed_out": _l("ended every session of"),
            "token_created": _l("created an API token of"),
            "token_revoked": _l("revoked an API token of"),
            "task_started": _l("started"),
            "task_retried": _l("started again"),
            "task_claimed": _l("began running"),
            "task_done": _l("finished"),
            "task_requeued": _l("will try again"),
            "task_failed": _l("failed"),
            "enabled": _l("enabled"),
            "disabled": _l("disabled"),
            "rule_version_added": _l("added a version of"),
            "enrollment_set": _l("recorded the enrolment of"),
            "mail_settings": _l("changed the e-mail settings of"),
            "submit": _l("submitted"),
            "withdraw": _l("withdrew"),
            "approve": _l("approved"),
            "reject": _l("rejected"),
            "return": _l("returned for revision"),
            "confirmed": _l("confirmed"),
            "published": _l("published"),
            "seal_uploaded": _l("uploaded a new"),
            "seal_removed": _l("removed"),
            "import": _l("ran the import of"),
            "imported": _l("imported"),
            "import_updated": _l("updated through an import"),
        }
    )
    register_kind(
        "User",
        _l("the account"),
        fields={
            **form_labels(UserForm, MailForm),
            "username": _l("Sign-in name"),
            "display_name": _l("Name"),
            "role": _l("Role"),
            "locale": _l("Language"),
            "enabled": _l("Enabled"),
            "mail_notifications": _l("Notifications by e-mail"),
        },
        values={"role": ROLE_LABELS, "locale": {"zh_Hans_CN": "中文", "en": "English"}},
    )
    register_kind(
        "School",
        _l("the school"),
        fields={
            **form_labels(SchoolForm),
            "code": _l("School code"),
            "type": _l("Type"),
            "founder": _l("Founder"),
            "students_*": _l("Students enrolled in %(rest)s"),
        },
        values={"type": SCHOOL_TYPE_LABELS, "founder": FOUNDER_LABELS},
    )
    register_kind("ApiToken", _l("the API token"), fields={"name": _l("Token name")})
    register_kind("Task", _l("the background task"))
    register_kind("RuleVersion", _l("the rule"), fields={"valid_from": _l("Valid from")})
    # The image itself is kept by its upload; the log says since when each seal was in force.
    register_kind("Seal", _l("the seal"), fields={"uploaded_at": _l("Seal in force since")})
    register_kind(
        "ImportBatch",
        _l("the file"),
        fields={"created": _l("Records created"), "updated": _l("Records updated")},
    )


def _lookup(mapping: Mapping[Any, Any], value: Any) -> str | None:
    """The label of `value` in a label table keyed by enum members or plain codes; translated
    once per request and language (an API page of 200 teachers reads a thousand labels)."""
    plain = value.value if isinstance(value, enum.Enum) else value
    memo: dict[Any, tuple[Any, str | None]] = (
        g.setdefault("_labels", {}) if has_request_context() else {}  # type: ignore[arg-type]
    )
    key: tuple[Any, ...] | None = (id(mapping), plain, str(get_locale()))
    try:
        held = memo.get(key)  # type: ignore[arg-type]
    except TypeError:  # a value that cannot be a key (a list): looked up each time
        key = held = None
    if held is not None and held[0] is mapping:  # the same table, not one at a reused id
        return held[1]
    found = None
    for candidate, label in mapping.items():
        if (candidate.value if isinstance(candidate, enum.Enum) else candidate) == plain:
            found = str(label)
            break
    if key is not None:
        memo[key] = (mapping, found)
    return found

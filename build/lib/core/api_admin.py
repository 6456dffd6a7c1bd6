"""Accounts, rules and one's own settings in the JSON API: the administrator's pages' actions."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields
from sqlalchemy import or_, select

from . import accounts, org, rules
from .api import ApiBlueprint, PageQuery
from .errors import NotFound, ValidationFailed
from .extensions import db
from .forms import ROLE_LABELS, MailForm, RuleVersionForm, UserForm
from .models import Role, User
from .permissions import require
from .schemas import ApiSchema, Code, Computed, Label, Timestamp, form_schema, length

api = ApiBlueprint("admin_api", __name__)
NULLABLE_TEXT = {"type": "string", "nullable": True}


class AccountOut(ApiSchema):
    id = fields.Integer(required=True)
    username = fields.String(required=True)
    name = fields.String(attribute="display_name", required=True)
    role = Code(ROLE_LABELS, required=True)
    role_label = Label(ROLE_LABELS)
    school = Computed(lambda u: u.school.code if u.school else None, NULLABLE_TEXT)
    county = Computed(lambda u: u.county.code if u.county else None, NULLABLE_TEXT)
    enabled = fields.Boolean(required=True)
    must_change_password = fields.Boolean(required=True)
    email = fields.String(allow_none=True)
    mail_notifications = fields.String(allow_none=True)


class AccountQuery(PageQuery):
    q = fields.String(metadata={"description": "Username or name contains"})
    role = Code(ROLE_LABELS)


UserIn = form_schema(
    UserForm,
    "UserIn",
    extra={
        "school": fields.String(validate=length(max=20), metadata={"description": "School code"}),
        "county": fields.String(
            validate=length(max=20), metadata={"description": "County code (bureau accounts)"}
        ),
    },
)
MailIn = form_schema(MailForm, "MailIn")
RuleVersionIn = form_schema(RuleVersionForm, "RuleVersionIn")


class EnabledIn(ApiSchema):
    enabled = fields.Boolean(required=True)


class TemporaryPasswordOut(ApiSchema):
    username = fields.String(required=True)
    temporary_password = fields.String(
        required=True, metadata={"description": "Shown once; to be changed at first sign-in"}
    )


class RuleVersionOut(ApiSchema):
    id = fields.Integer(required=True)
    key = fields.String(required=True)
    value = fields.Raw(required=True, metadata={"description": "A number, or a structured value"})
    valid_from = fields.Date(required=True)
    level = Code(rules.LEVELS, required=True)
    level_label = Label(rules.LEVELS)
    note = fields.String(allow_none=True)
    created_at = Timestamp(required=True)


class RuleOut(ApiSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    current = fields.Raw(required=True, metadata={"description": "The value in force today"})
    versions = fields.List(fields.Nested(RuleVersionOut), required=True)


def _admin() -> None:
    require(current_user.role == Role.ADMIN)


def _account(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    return user


@api.route(
    "/users",
    methods=["GET"],
    summary="Accounts (administrators)",
    tags=["accounts"],
    query=AccountQuery,
    response=AccountOut,
    paged=True,
)
def users(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    _admin()
    statement = select(User).order_by(User.username, User.id)
    if query.get("q"):
        like = f"%{query['q'].lower()}%"
        statement = statement.where(or_(User.username.ilike(like), User.display_name.ilike(like)))
    if query.get("role"):
        statement = statement.where(User.role == query["role"])
    return statement


@api.route(
    "/users",
    methods=["POST"],
    summary="Open an account (administrators); the user changes the password at first sign-in",
    tags=["accounts"],
    body=UserIn,
    response=AccountOut,
    status=201,
)
def create_user(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _admin()
    school = org.school_by_code(body["school"]) if body.get("school") else None
    county = org.county_by_code(body["county"]) if body.get("county") else None
    if body.get("school") and school is None:
        raise ValidationFailed({"school": _("Give the code of an existing school.")})
    if body.get("county") and county is None:
        raise ValidationFailed({"county": _("Choose a county.")})
    return accounts.create_user(
        username=body["username"],
        display_name=body.get("display_name") or "",
        password=body["password"],
        role=body["role"],
        school=school,
        county=county,
        link={"staff_no": (body.get("staff_no") or "").strip()},
        by=current_user,
        must_change_password=True,
    )


@api.route(
    "/users/<int:user_id>/enabled",
    methods=["PUT"],
    summary="Let an account sign in, or stop it (administrators)",
    tags=["accounts"],
    body=EnabledIn,
    response=AccountOut,
)
def set_enabled(user_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _admin()
    user = _account(user_id)
    accounts.set_enabled(user, body["enabled"], current_user)
    return user


@api.route(
    "/users/<int:user_id>/reset-password",
    methods=["POST"],
    summary="Give an account a temporary password (administrators)",
    tags=["accounts"],
    response=TemporaryPasswordOut,
)
def reset_password(user_id: int):  # type: ignore[no-untyped-def]
    _admin()
    user = _account(user_id)
    temporary = accounts.reset_password(user, current_user)
    return {"username": user.username, "temporary_password": temporary}


@api.route(
    "/me/mail",
    methods=["PUT"],
    summary="One's own e-mail address and how notifications are mailed",
    tags=["accounts"],
    body=MailIn,
    response=AccountOut,
)
def mail_settings(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    accounts.set_mail(current_user, body.get("email") or "", body["mail_notifications"])
    return current_user


def _rule(key: str) -> dict[str, Any]:
    rule = rules.REGISTRY.get(key)
    if rule is None:
        raise NotFound(_("No such rule."))
    return {
        "key": key,
        "label": str(rule.label),
        "current": rules.get_rule(key),
        "versions": rules.versions(key),
    }


@api.route(
    "/rules/<key>",
    methods=["GET"],
    summary="A rule: its value today and every dated version (administrators, bureau)",
    tags=["rules"],
    response=RuleOut,
)
def rule(key: str):  # type: ignore[no-untyped-def]
    require(current_user.role in (Role.ADMIN, Role.BUREAU))
    return _rule(key)


@api.route(
    "/rules/<key>/versions",
    methods=["POST"],
    summary="A new dated version of a rule (administrators)",
    tags=["rules"],
    body=RuleVersionIn,
    response=RuleOut,
    status=201,
)
def add_rule_version(key: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _admin()
    if key not in rules.REGISTRY:
        raise NotFound(_("No such rule."))
    rules.add_version(
        key, body["value"], body["valid_from"], body["level"], body.get("note") or "", current_user
    )
    return _rule(key)

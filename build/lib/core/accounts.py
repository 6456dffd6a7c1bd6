"""Accounts: sign-in with lockout, passwords, API tokens, and the services that change users."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app, g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import audit
from .db import reading
from .errors import Conflict, ValidationFailed
from .extensions import db, login_manager
from .models import ApiToken, County, Role, School, User
from .notifications import notify, register_kind
from .timeutil import utcnow

MIN_PASSWORD_LENGTH = 8

# Packages that link an account to one of their records (the teachers package links a teacher
# account to its Teacher) register here, so core never imports them.
ROLE_LINKERS: dict[Role, Callable[[User, dict[str, Any]], None]] = {}


def register_role_linker(role: Role, linker: Callable[[User, dict[str, Any]], None]) -> None:
    ROLE_LINKERS[role] = linker


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    ident, _dot, version = user_id.partition(".")
    if not ident.isdigit():
        return None
    user = db.session.get(User, int(ident))
    if user is None or str(user.session_version) != version:
        return None
    return user


def check_password_strength(password: str, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationFailed({field: _("Use at least %(n)d characters.", n=MIN_PASSWORD_LENGTH)})


def find_user(username: str) -> User | None:
    return db.session.scalar(
        select(User).where(func.lower(User.username) == (username or "").strip().lower())
    )


class LoginRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def authenticate(username: str, password: str) -> User:
    """Check a sign-in; after too many failures the account is locked for a while.

    Failures are recorded (and must be committed) even though sign-in is refused.
    """
    user = find_user(username)
    threshold = current_app.config["LOCKOUT_THRESHOLD"]
    lock_minutes = current_app.config["LOCKOUT_MINUTES"]
    # One message, after the same work, for an unknown name, a wrong password and a locked
    # account: a sign-in page must not tell which usernames exist.
    generic = _(
        "Wrong username or password. After %(n)d wrong tries in a row, signing in waits "
        "%(minutes)d minutes.",
        n=threshold,
        minutes=lock_minutes,
    )
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        raise LoginRefused(generic)
    now = utcnow()
    right = check_password_hash(user.password_hash, password or "")
    if user.locked_until and user.locked_until > now:
        raise LoginRefused(generic)
    if not right:
        user.failed_logins += 1
        if user.failed_logins >= threshold:
            user.locked_until = now + timedelta(minutes=lock_minutes)
            user.failed_logins = 0
            audit.record("account_locked", user, by=user, school_id=user.school_id)
        else:
            audit.record("login_failed", user, by=user, school_id=user.school_id)
        db.session.flush()
        raise LoginRefused(generic)
    if not user.enabled:
        raise LoginRefused(_("This account is disabled. Ask your administrator."))
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    audit.record("login", user, by=user, school_id=user.school_id)
    db.session.flush()
    return user


_DUMMY_HASH = generate_password_hash("not-a-real-password")


def create_user(
    *,
    username: str,
    password: str,
    role: Role | str,
    display_name: str = "",
    school: School | None = None,
    county: County | None = None,
    link: dict[str, Any] | None = None,
    by: User | None = None,
    must_change_password: bool = False,
) -> User:
    errors: dict[str, str] = {}
    username = (username or "").strip()
    try:
        role = Role(role)
    except ValueError:
        errors["role"] = _("Choose a role.")
    if (
        not username
        or len(username) > 60
        or not username.replace("_", "").replace("-", "").replace(".", "").isalnum()
    ):
        errors["username"] = _("Use letters, digits, '.', '-' or '_' (at most 60).")
    elif find_user(username) is not None:
        errors["username"] = _("This username is taken.")
    if role in (Role.SCHOOL_HR, Role.TEACHER) and school is None:
        errors["school"] = _("Choose the school of this account.")
    if errors:
        raise ValidationFailed(errors)
    check_password_strength(password)
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=_hash(password),
        role=role,
        school_id=school.id if school and role in (Role.SCHOOL_HR, Role.TEACHER) else None,
        county_id=county.id if county and role == Role.BUREAU else None,
        must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    if role in ROLE_LINKERS:
        ROLE_LINKERS[role](user, link or {})
    audit.record(
        "create",
        user,
        by=by,
        changes={"username": [None, username], "role": [None, role.value]},
        school_id=user.school_id,
    )
    db.session.flush()
    return user


def change_password(user: User, current: str, new: str) -> None:
    if not check_password_hash(user.password_hash, current or ""):
        raise ValidationFailed({"current_password": _("The current password is wrong.")})
    check_password_strength(new, "new_password")
    if check_password_hash(user.password_hash, new):
        raise ValidationFailed({"new_password": _("Choose a password different from the old one.")})
    _set_password(user, new)
    user.must_change_password = False
    audit.record("password_changed", user, by=user, school_id=user.school_id)
    db.session.flush()


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def _set_password(user: User, password: str) -> None:
    """A new password ends every session of the user and revokes their API tokens (a stolen
    one must not outlive the password that was changed because of it); they are told."""
    user.password_hash = _hash(password)
    user.session_version += 1
    revoked = [t for t in user_tokens(user) if t.revoked_at is None]
    for token in revoked:
        token.revoked_at = utcnow()
    if revoked:
        notify(user, "tokens_revoked", key=f"tokens_revoked:{user.id}:{user.session_version}",
               link="/account", count=len(revoked))  # fmt: skip


def end_sessions(user: User) -> None:
    """Sign `user` out everywhere: every session cookie and remember cookie made before stops
    working (they carry the session version), so a copied cookie dies with the sign-out."""
    user.session_version += 1
    audit.record("signed_out", user, by=user, school_id=user.school_id)
    db.session.flush()


def reset_password(user: User, by: User) -> str:
    """Give `user` a temporary password (returned once) that must be changed at next sign-in."""
    temporary = secrets.token_urlsafe(9)
    _set_password(user, temporary)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    audit.record("password_reset", user, by=by, school_id=user.school_id)
    db.session.flush()
    return temporary


def set_enabled(user: User, enabled: bool, by: User | None) -> None:
    """Let `user` sign in or not; `by` is None for an operator at the command line."""
    if by is not None and user.id == by.id and not enabled:
        raise Conflict(_("You cannot disable your own account."))
    if user.enabled == enabled:
        return
    user.enabled = enabled
    if not enabled:
        user.session_version += 1
        for token in user_tokens(user):
            token.revoked_at = token.revoked_at or utcnow()
    audit.record(
        "enabled" if enabled else "disabled",
        user,
        by=by,
        changes={"enabled": [not enabled, enabled]},
        school_id=user.school_id,
    )
    db.session.flush()


def set_mail(user: User, email: str, preference: str) -> None:
    """The address notifications are mailed to, and how often (each, a daily digest, off)."""
    if preference not in ("each", "digest", "off"):
        raise ValidationFailed({"mail_notifications": _("Choose how often to be mailed.")})
    user.email = (email or "").strip()[:120]
    user.mail_notifications = preference
    audit.record_changes("mail_settings", user, by=user)


def set_locale(user: User, locale: str) -> None:
    if locale not in current_app.config["LANGUAGES"]:
        raise ValidationFailed({"locale": _("Choose a language.")})
    user.locale = locale
    audit.record_changes("update", user, by=user)


# --- API tokens -------------------------------------------------------------------------------


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    user: User, name: str, by: User | None = None, days: int | None = None
) -> tuple[ApiToken, str]:
    """Make an API token, valid for `days` (until revoked when None); the plain token is
    returned once and never stored."""
    name = (name or "").strip()
    if not name or len(name) > 60:
        raise ValidationFailed({"name": _("Give the token a name (at most 60 characters).")})
    if days is not None and not 1 <= days <= 3660:
        raise ValidationFailed({"days": _("Choose how long the token stays valid.")})
    plain = "ss_" + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=_hash_token(plain), prefix=plain[:8])
    token.expires_at = utcnow() + timedelta(days=days) if days else None
    db.session.add(token)
    db.session.flush()
    audit.record("token_created", token, by=by or user, label=name, school_id=user.school_id)
    db.session.flush()
    return token, plain


def revoke_token(token: ApiToken, by: User) -> None:
    if token.revoked_at is not None:
        return
    token.revoked_at = utcnow()
    audit.record("token_revoked", token, by=by, label=token.name, school_id=token.user.school_id)
    db.session.flush()


def user_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())
        )
    )


def token_exists(plain: str) -> bool:
    """Whether `plain` is a token in use: one indexed look-up on a connection of its own, read
    only, so the request's own transaction (and SQLite's write lock) is not opened by it."""
    query = select(ApiToken.id).where(
        ApiToken.token_hash == _hash_token(plain), ApiToken.revoked_at.is_(None)
    )
    with reading(), db.engine.connect() as connection:
        return connection.execute(query).first() is not None


def user_for_token(plain: str, *, touch: bool = True) -> User | None:
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _hash_token(plain)))
    now = utcnow()
    if token is None or token.revoked_at is not None or not token.user.enabled:
        return None
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # Touched on writes only (and at most once a minute), so read-only API calls stay read-only.
    if touch and (token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1)):
        token.last_used_at = now
    g.api_token = token
    return token.user


register_kind(
    "tokens_revoked",
    _l("Your password changed, so your %(count)s API tokens were revoked: make new ones on your "
       "account page."),
)  # fmt: skip

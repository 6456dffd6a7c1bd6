"""Forms of core pages. Labels are lazy so they follow the user's language."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import Integer, Numeric
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .models import Role
from .org import FOUNDER_LABELS, SCHOOL_TYPE_LABELS
from .rules import LEVELS

ROLE_LABELS = {
    Role.TEACHER: _l("Teacher"),
    Role.SCHOOL_HR: _l("School HR"),
    Role.BUREAU: _l("Education bureau"),
    Role.ORGANIZER: _l("Competition organizer"),
    Role.ADMIN: _l("Administrator"),
}

REQUIRED = _l("This field is required.")


def capacity(column: Any) -> Decimal:
    """The largest value a NUMERIC(p, s) or INTEGER column holds (PostgreSQL refuses more with
    an overflow; SQLite would keep what PostgreSQL refuses)."""
    kind = column.type
    if isinstance(kind, Numeric) and not isinstance(kind, Integer) and kind.precision:
        scale = kind.scale or 0
        return Decimal(10) ** (kind.precision - scale) - Decimal(10) ** -scale
    return Decimal(2**31 - 1)


def fits(column: Any, minimum: float | Decimal = 0) -> NumberRange:
    """A number field's bound from the column it is kept in: a value too large is the field's
    message (400 in the API), never the database's overflow. Domain rules (40 hours a week)
    stay in the services; this is what the column can hold."""
    most = capacity(column)
    message = _l("Enter a number from %(min)s to %(max)s.")
    return NumberRange(minimum, most, message=message)


def formdata_from(form_class: type[Any], obj: Any, skip: Iterable[str] = ()) -> MultiDict:
    """The object's current values as form input, so a partial update (an API PATCH, a roster
    row without some columns) validates the whole record through the same form."""
    skip = set(skip)
    current = form_class(formdata=None, obj=obj, meta={"csrf": False})
    formdata = MultiDict()
    for name, field in current._fields.items():
        if name in skip or field.type in {"FileField", "MultipleFileField", "SubmitField"}:
            continue
        if field.type == "BooleanField":
            if field.data:
                formdata.add(name, "y")
        elif field.data not in (None, ""):
            text = field._value() if hasattr(field, "_value") else str(field.data)
            formdata.add(name, text)
    return formdata


def options(pairs: Iterable[tuple[Any, Any]], blank: Any = None) -> list[SelectChoice]:
    """Select choices from (value, label) pairs, with an optional empty first choice."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=60)],
                           render_kw={"autocomplete": "username"})  # fmt: skip
    password = PasswordField(_l("Password"), validators=[DataRequired(REQUIRED)],
                             render_kw={"autocomplete": "current-password"})  # fmt: skip
    remember = BooleanField(_l("Keep me signed in on this device"))


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(REQUIRED)],
                                     render_kw={"autocomplete": "current-password"})  # fmt: skip
    new_password = PasswordField(_l("New password"), validators=[DataRequired(REQUIRED)],
                                 render_kw={"autocomplete": "new-password"})  # fmt: skip
    confirm = PasswordField(_l("Repeat the new password"), validators=[DataRequired(REQUIRED)],
                            render_kw={"autocomplete": "new-password"})  # fmt: skip

    def validate_confirm(self, field):  # type: ignore[no-untyped-def]
        if field.data != self.new_password.data:
            raise ValidationError(_l("The two passwords differ."))


class MailForm(FlaskForm):
    email = StringField(
        _l("E-mail address"),
        validators=[Optional(), Email(_l("Enter an e-mail address such as name@school.cn.")),
                    Length(max=120)],
    )  # fmt: skip
    mail_notifications = SelectField(
        _l("Notifications by e-mail"),
        choices=options(
            [
                ("each", _l("Each one as it comes")),
                ("digest", _l("One digest a day")),
                ("off", _l("No e-mail")),
            ]
        ),
    )


class TokenForm(FlaskForm):
    name = StringField(
        _l("Token name"),
        validators=[DataRequired(REQUIRED), Length(max=60)],
        description=_l("What the token is for, e.g. 'roster sync'."),
    )
    days = SelectField(
        _l("Valid for"),
        choices=options(
            [
                ("30", _l("30 days")),
                ("90", _l("90 days")),
                ("365", _l("a year")),
                ("", _l("until revoked")),
            ]
        ),  # fmt: skip
        default="90",
        validators=[Optional()],
    )


class UserForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(REQUIRED), Length(max=60)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=60)])
    role = SelectField(
        _l("Role"), choices=options((r.value, label) for r, label in ROLE_LABELS.items())
    )
    school = SelectField(_l("School"), choices=[], validate_choice=False)
    county = SelectField(
        _l("County (bureau accounts)"),
        choices=[],
        validate_choice=False,
        description=_l("Leave empty for the city bureau."),
    )
    staff_no = StringField(
        _l("Staff number (teacher accounts)"), validators=[Optional(), Length(max=30)]
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(REQUIRED)],
        description=_l("The user must change it at first sign-in."),
        render_kw={"autocomplete": "new-password"},
    )


class SchoolForm(FlaskForm):
    code = StringField(_l("School code"), validators=[DataRequired(REQUIRED), Length(max=20)])
    name = StringField(_l("School name"), validators=[DataRequired(REQUIRED), Length(max=100)])
    type = SelectField(
        _l("Type"), choices=options((t.value, label) for t, label in SCHOOL_TYPE_LABELS.items())
    )
    founder = SelectField(
        _l("Founder"), choices=options((f.value, label) for f, label in FOUNDER_LABELS.items())
    )
    county_id = SelectField(_l("County"), coerce=int, choices=[])


class EnrollmentForm(FlaskForm):
    year = IntegerField(
        _l("School year"),
        validators=[InputRequired(REQUIRED), NumberRange(2000, 2100)],
        description=_l("The calendar year in which the school year starts."),
    )
    students = IntegerField(
        _l("Enrolled students"), validators=[InputRequired(REQUIRED), NumberRange(0, 200_000)]
    )


class RuleVersionForm(FlaskForm):
    value = StringField(_l("Value"), validators=[DataRequired(REQUIRED)])
    valid_from = DateField(_l("Valid from"), validators=[InputRequired(REQUIRED)])
    level = SelectField(_l("Set by"), choices=options(LEVELS.items()))
    note = TextAreaField(_l("Source or reason"), validators=[Optional(), Length(max=500)])


class ImportForm(FlaskForm):
    """An import's upload (any kind): the workbook, and the school when the user has several."""

    school = SelectField(_l("School"), choices=[], validate_choice=False)
    # Any name: the reader knows a file by its content (.xlsx, .xls, .ods, CSV) and says what
    # to do with one it cannot read.
    file = FileField(
        _l("File (.xlsx, .xls, .ods or .csv)"),
        validators=[FileRequired(_l("Choose the filled-in file."))],
    )
    # The documents the rows name, in one .zip (a kind that takes them: `Kind.attachments`).
    attachments = FileField(_l("Evidence files (.zip)"))

"""Teacher forms: the same forms validate the pages, the JSON API and each roster row."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from core.forms import REQUIRED, options
from core.uploads import FileContent

from . import labels

PHONE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
PHONE_MESSAGE = _l("Enter an 11-digit mobile number or a landline such as 0577-88886666.")


def _choices(mapping: dict, blank: bool = False) -> list:
    return options(((key.value, label) for key, label in mapping.items()), "—" if blank else None)


class ContactForm(FlaskForm):
    phone = StringField(_l("Phone"), validators=[Optional(), Regexp(PHONE, message=PHONE_MESSAGE)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})  # fmt: skip
    email = StringField(
        _l("Email"),
        validators=[Optional(), Length(max=120), Email(_l("Enter a valid email address."))],
        render_kw={"autocomplete": "email", "inputmode": "email"},
    )


class TeacherForm(ContactForm):
    staff_no = StringField(
        _l("Staff number"),
        validators=[
            DataRequired(REQUIRED),
            Length(max=30),
            Regexp(r"^[A-Za-z0-9-]+$", message=_l("Use letters, digits or '-'.")),
        ],
    )
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=40)])
    gender = SelectField(_l("Gender"), choices=_choices(labels.GENDER))
    birth_date = DateField(
        _l("Birth date"), validators=[Optional()], render_kw={"max": "2010-12-31"}
    )
    department = StringField(_l("Department / major"), validators=[Optional(), Length(max=80)])
    professional = BooleanField(
        _l("Professional teacher (专业教师)"),
        description=_l("Teaches vocational courses; practice instructors included."),
    )
    practice_instructor = BooleanField(_l("Practice instructor (实习指导教师)"))
    employment = SelectField(_l("Employment"), choices=_choices(labels.EMPLOYMENT))
    hire_date = DateField(_l("Hire date"), validators=[InputRequired(REQUIRED)])
    title = SelectField(_l("Title (职称)"), choices=_choices(labels.TITLE))
    title_date = DateField(_l("Title obtained on"), validators=[Optional()])
    education = SelectField(
        _l("Highest education"),
        choices=_choices(labels.EDUCATION, blank=True),
        validators=[Optional()],
    )
    enterprise_months = IntegerField(
        _l("Prior enterprise experience (months)"),
        default=0,
        validators=[Optional(), NumberRange(0, 600, _l("Enter 0 to 600 months."))],
    )
    qualification_cert_no = StringField(
        _l("Teacher qualification certificate number"), validators=[Optional(), Length(max=40)]
    )

    def validate_title_date(self, field):  # type: ignore[no-untyped-def]
        if field.data and self.title.data == "none":
            raise ValidationError(_l("A teacher without a title has no title date."))


class LeaveForm(FlaskForm):
    leave_date = DateField(_l("Leave date"), validators=[InputRequired(REQUIRED)])
    leave_reason = StringField(_l("Reason"), validators=[Optional(), Length(max=200)])


class CertificateForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=_choices(labels.CERTIFICATE_KIND))
    name = StringField(
        _l("Certificate name"),
        validators=[DataRequired(REQUIRED), Length(max=100)],
        description=_l("e.g. 电工, 数控车工, 网络与信息安全管理员"),
    )
    level = SelectField(
        _l("Skill level"), choices=_choices(labels.SKILL_LEVEL, blank=True), validators=[Optional()]
    )
    issuer = StringField(_l("Issued by"), validators=[Optional(), Length(max=100)])
    number = StringField(_l("Certificate number"), validators=[Optional(), Length(max=60)])
    issued_on = DateField(_l("Issued on"), validators=[InputRequired(REQUIRED)])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    scan = FileField(
        _l("Scan (PDF, JPEG or PNG, at most 10 MB)"), validators=[Optional(), FileContent()]
    )

    def validate_expires_on(self, field):  # type: ignore[no-untyped-def]
        if field.data and self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError(_l("The expiry date must be after the issue date."))

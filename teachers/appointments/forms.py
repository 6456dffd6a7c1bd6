"""Appointment forms (pages and API)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, DecimalField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from core.forms import REQUIRED, fits, options
from core.uploads import FileContent
from teachers import labels as teacher_labels
from teachers.forms import PHONE, PHONE_MESSAGE

from . import labels
from .models import Appointment, CountyPartTimePolicy


class AppointmentForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(REQUIRED), Length(max=40)])
    gender = SelectField(
        _l("Gender"), choices=options((k.value, v) for k, v in teacher_labels.GENDER.items())
    )
    birth_date = DateField(_l("Birth date"), validators=[InputRequired(REQUIRED)])
    phone = StringField(_l("Phone"), validators=[Optional(), Regexp(PHONE, message=PHONE_MESSAGE)])
    employer = StringField(
        _l("Current employer"), validators=[DataRequired(REQUIRED), Length(max=120)]
    )
    position = StringField(_l("Position"), validators=[Optional(), Length(max=80)])
    qualification = SelectField(
        _l("Title or skill level"),
        choices=options((k.value, v) for k, v in labels.QUALIFICATION.items()),
    )
    field = StringField(_l("Field"), validators=[Optional(), Length(max=80)])
    exemption = BooleanField(
        _l("Master craftsperson: appoint outside the usual rules"),
        description=_l(
            "For example an intangible-heritage master. "
            "The reason is shown wherever the appointment is."
        ),
    )
    exemption_reason = TextAreaField(
        _l("Reason for the exemption"), validators=[Optional(), Length(max=500)]
    )
    courses = TextAreaField(_l("Courses taught"), validators=[Optional(), Length(max=2000)])
    hours_per_week = DecimalField(
        _l("Hours per week"), places=1,
        validators=[InputRequired(REQUIRED), fits(Appointment.hours_per_week)],
    )  # fmt: skip
    term_start = DateField(_l("Term starts"), validators=[InputRequired(REQUIRED)])
    term_end = DateField(_l("Term ends"), validators=[InputRequired(REQUIRED)])
    pay_grade = StringField(_l("Pay grade"), validators=[Optional(), Length(max=40)])
    hourly_rate = DecimalField(
        _l("Pay per teaching hour (yuan)"),
        places=2,
        validators=[InputRequired(REQUIRED), fits(Appointment.hourly_rate)],
    )


class AgreementForm(FlaskForm):
    agreement = FileField(
        _l("Signed agreement (PDF)"),
        validators=[FileRequired(_l("Choose a file.")), FileContent(("pdf",))],
    )


class DecisionForm(FlaskForm):
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=500)])
    terminated_on = DateField(_l("Last day"), validators=[Optional()])


class PolicyForm(FlaskForm):
    salary_standard = DecimalField(
        _l("Salary standard (yuan a year)"),
        places=2,
        validators=[InputRequired(REQUIRED), fits(CountyPartTimePolicy.salary_standard)],
        description=_l("Average annual pay of in-establishment teachers at similar schools."),
    )
    bureau_approval = BooleanField(_l("Appointments also need the bureau's approval"))

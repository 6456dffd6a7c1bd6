"""Placement forms, shared by the pages and the JSON API."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from core.forms import REQUIRED, fits, options
from core.uploads import FileContent
from teachers.forms import PHONE, PHONE_MESSAGE

from . import labels
from .models import EnterpriseJob, Placement, TeachingHours


class EnterpriseFields(FlaskForm):
    credit_code = StringField(
        _l("Unified social credit code"),
        validators=[DataRequired(REQUIRED), Length(max=18)],
        description=_l(
            "18 characters, on the business licence; filled in when you pick a known enterprise."
        ),
    )
    enterprise_name = StringField(
        _l("Enterprise name"),
        validators=[Optional(), Length(max=200)],
        description=_l(
            "Type part of the name: enterprises already in Shuangshi are suggested. For a new "
            "one, write its full name and credit code."
        ),
    )
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=60)])


class PlacementForm(EnterpriseFields):
    post = StringField(_l("Post"), validators=[DataRequired(REQUIRED), Length(max=100)])
    form = SelectField(
        _l("Form of practice"),
        choices=options((k.value, v) for k, v in labels.LOGGED_FORMS.items()),
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("End date"), validators=[InputRequired(REQUIRED)])
    days = DecimalField(
        _l("Practice days"),
        places=1,
        validators=[Optional(), NumberRange(0.5, 2000)],
        description=_l(
            "Or give the hours: they are converted by the rule in force (8 hours a day)."
        ),
    )
    hours = DecimalField(_l("Hours"), places=1, validators=[Optional(), NumberRange(0.5, 50000)])
    mentor_name = StringField(
        _l("Mentor at the enterprise"), validators=[Optional(), Length(max=40)]
    )
    mentor_phone = StringField(
        _l("Mentor's phone"), validators=[Optional(), Regexp(PHONE, message=PHONE_MESSAGE)]
    )
    mentor_email = StringField(
        _l("Mentor's e-mail"),
        validators=[Optional(), Length(max=120), Email(_l("Enter a valid email address."))],
        description=_l("The confirmation link is mailed there when you submit."),
        render_kw={"inputmode": "email"},
    )
    description = TextAreaField(_l("What you did"), validators=[Optional(), Length(max=4000)])


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason or comment"), validators=[Optional(), Length(max=500)])


class EvidenceForm(FlaskForm):
    kind = SelectField(
        _l("Kind"), choices=options((k.value, v) for k, v in labels.EVIDENCE.items())
    )
    file = FileField(
        _l("File (PDF, JPEG or PNG, at most 10 MB)"),
        validators=[FileRequired(_l("Choose a file.")), FileContent()],
    )


class AssessmentUploadForm(FlaskForm):
    file = FileField(
        _l("Stamped assessment form"),
        validators=[FileRequired(_l("Choose a file.")), FileContent()],
    )


DIGITS = {"inputmode": "numeric", "autocomplete": "off", "maxlength": "4"}


class MentorConfirmForm(FlaskForm):
    mentor = StringField(_l("Your name"), validators=[DataRequired(REQUIRED), Length(max=60)])
    days = DecimalField(
        _l("Days confirmed"), places=1,
        validators=[InputRequired(REQUIRED), fits(Placement.days, 0.5)],
    )  # fmt: skip
    # Asked only when the teacher entered the mentor's phone (the page drops it otherwise).
    digits = StringField(_l("Last four digits of your phone number"),
                         validators=[Optional(), Length(max=8)], render_kw=DIGITS)  # fmt: skip


class MentorDeclineForm(FlaskForm):
    mentor = StringField(_l("Your name"), validators=[Optional(), Length(max=60)])
    digits = StringField(_l("Last four digits of your phone number"),
                         validators=[Optional(), Length(max=8)], render_kw=DIGITS)  # fmt: skip
    reason = TextAreaField(
        _l("Why you decline"), validators=[DataRequired(REQUIRED), Length(max=500)]
    )


class CorrectionForm(FlaskForm):
    post = StringField(_l("Post"), validators=[DataRequired(REQUIRED), Length(max=100)])
    form = SelectField(
        _l("Form of practice"),
        choices=options((k.value, v) for k, v in labels.LOGGED_FORMS.items()),
    )
    start_date = DateField(_l("Start date"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("End date"), validators=[InputRequired(REQUIRED)])
    days = DecimalField(
        _l("Practice days"), places=1, validators=[InputRequired(REQUIRED), NumberRange(0.5, 2000)]
    )
    hours = DecimalField(_l("Hours"), places=1, validators=[Optional(), NumberRange(0.5, 50000)])
    description = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=4000)])
    reason = TextAreaField(
        _l("Reason for the correction"), validators=[DataRequired(REQUIRED), Length(max=500)]
    )


class JobForm(EnterpriseFields):
    role = StringField(_l("Job"), validators=[DataRequired(REQUIRED), Length(max=100)])
    start_date = DateField(_l("From"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("To"), validators=[InputRequired(REQUIRED)])
    hours_per_week = DecimalField(
        _l("Hours per week"), places=1,
        validators=[InputRequired(REQUIRED), fits(EnterpriseJob.hours_per_week, 0.5)],
    )  # fmt: skip


class HoursForm(FlaskForm):
    term = StringField(
        _l("Term"), validators=[DataRequired(REQUIRED)], description=_l("e.g. 2025-2026-1")
    )
    hours = DecimalField(
        _l("Teaching hours"), places=1,
        validators=[InputRequired(REQUIRED), fits(TeachingHours.hours, 0.5)],
    )  # fmt: skip


class YearForm(FlaskForm):
    year = IntegerField(_l("Year"), validators=[InputRequired(REQUIRED), NumberRange(2020, 2100)])

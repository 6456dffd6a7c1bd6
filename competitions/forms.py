"""Competition forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED, fits, options

from . import labels
from .models import Entry
from .models import Event as E


class CompetitionForm(FlaskForm):
    name = StringField(_l("Competition name"), validators=[DataRequired(REQUIRED), Length(max=160)])
    series = SelectField(
        _l("Series"), choices=options((k.value, v) for k, v in labels.SERIES.items())
    )
    level = SelectField(_l("Level"), choices=options((k.value, v) for k, v in labels.LEVEL.items()))
    organizing_body = StringField(_l("Organizing body"), validators=[Optional(), Length(max=120)])
    year = IntegerField(_l("Year"), validators=[InputRequired(REQUIRED), NumberRange(2015, 2100)])
    start_date = DateField(_l("Starts"), validators=[Optional()])
    end_date = DateField(_l("Ends"), validators=[Optional()])
    scheme = SelectField(_l("Award scheme"), choices=options(labels.SCHEME.items()))
    registration_opens = DateField(_l("Registration opens"), validators=[Optional()])
    registration_closes = DateField(_l("Registration closes"), validators=[Optional()])
    mask_student_names = BooleanField(
        _l("Mask students' names on the public results page"), default=True
    )


class EventForm(FlaskForm):
    name = StringField(_l("Event"), validators=[DataRequired(REQUIRED), Length(max=120)])
    group = StringField(
        _l("Group"), validators=[Optional(), Length(max=60)], description=_l("e.g. 中职组, 高职组")
    )
    team = BooleanField(_l("Team event"))
    min_members = IntegerField(
        _l("Members, at least"), validators=[Optional(), fits(E.min_members)]
    )
    max_members = IntegerField(_l("Members, at most"), validators=[Optional(), fits(E.max_members)])
    max_instructors = IntegerField(
        _l("Instructors, at most"), validators=[Optional(), fits(E.max_instructors)]
    )
    quota_per_school = IntegerField(
        _l("Entries per school, at most"), validators=[Optional(), fits(E.quota_per_school)]
    )


class EntryForm(FlaskForm):
    """Teachers are picked by name (see the entry page's pickers: `teacher_id` and
    `instructor_id` values); students, who have no records yet, are written in."""

    school = SelectField(_l("School"), choices=[], validate_choice=False)
    students = TextAreaField(
        _l("Student members"),
        description=_l("One per line: student number, then name. e.g. 2023010203 王小明"),
    )


class ResultForm(FlaskForm):
    award = SelectField(_l("Award"), choices=[], validate_choice=False)
    rank = IntegerField(_l("Rank"), validators=[Optional(), fits(Entry.rank, 1)])
    score = DecimalField(_l("Score"), validators=[Optional(), fits(Entry.score)])
    reason = StringField(_l("Reason for the correction"), validators=[Optional(), Length(max=500)])


class ResultsImportForm(FlaskForm):
    # Any name: read as every import is, by its content (.xlsx, .xls, .ods, CSV).
    file = FileField(
        _l("Results file (.xlsx, .xls, .ods or .csv)"),
        validators=[FileRequired(_l("Choose a file."))],
    )

"""Forms for teams and overseas study."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, DecimalField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from core.forms import REQUIRED, fits, options
from core.uploads import FileContent

from .models import OverseasBatch

LEVELS = {
    "school": _l("School level"),
    "city": _l("City level"),
    "province": _l("Provincial level"),
    "national": _l("National level"),
}


class TeamForm(FlaskForm):
    name = StringField(_l("Team name"), validators=[DataRequired(REQUIRED), Length(max=120)])
    field = StringField(
        _l("Field or major group"), validators=[DataRequired(REQUIRED), Length(max=80)]
    )
    level_sought = SelectField(_l("Level sought"), choices=options(LEVELS.items()))
    leader = StringField(_l("Leader (staff number)"), validators=[DataRequired(REQUIRED)])
    members = TextAreaField(
        _l("Teacher members (staff numbers)"),
        description=_l(
            "One per line or separated by commas; add * for a backbone teacher, e.g. T010002*"
        ),
    )
    outside = TextAreaField(
        _l("Members from partner schools or enterprises"),
        description=_l(
            "One per line: name, employer; add “, enterprise” for someone from an enterprise "
            "(anyone else is from a partner school)"
        ),
    )
    plan = TextAreaField(
        _l("Building plan with yearly goals"), validators=[Optional(), Length(max=8000)]
    )


class FileForm(FlaskForm):
    file = FileField(
        _l("Document (PDF, JPEG or PNG, at most 10 MB)"), validators=[Optional(), FileContent()]
    )
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=4000)])
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(2000, 2100)])


class BatchForm(FlaskForm):
    theme = StringField(_l("Theme"), validators=[DataRequired(REQUIRED), Length(max=160)])
    country = StringField(
        _l("Destination country"), validators=[DataRequired(REQUIRED), Length(max=60)]
    )
    hosts = StringField(_l("Host institutions"), validators=[Optional(), Length(max=300)])
    start_date = DateField(_l("Leaves on"), validators=[InputRequired(REQUIRED)])
    end_date = DateField(_l("Returns on"), validators=[InputRequired(REQUIRED)])
    funding_source = StringField(_l("Funding source"), validators=[Optional(), Length(max=120)])
    budget_per_person = DecimalField(
        _l("Budget per person (yuan)"),
        validators=[Optional(), fits(OverseasBatch.budget_per_person)],
    )
    capacity = IntegerField(
        _l("Places"), validators=[InputRequired(REQUIRED), fits(OverseasBatch.capacity)]
    )


TEAM_STATUS = {
    "draft": _l("Draft"),
    "applied": _l("Applied"),
    "approved": _l("Approved (立项)"),
    "building": _l("Building"),
    "accepted": _l("Accepted (验收)"),
    "failed": _l("Failed acceptance"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
}
NOMINATION_STATUS = {
    "nominated": _l("Nominated"),
    "selected": _l("Selected"),
    "declined": _l("Not selected"),
    "confirmed": _l("Confirmed"),
    "reported": _l("Back, report filed"),
}

NOMINATION_ACTIONS = {
    "select": _l("Select"),
    "decline": _l("Decline"),
    "confirm": _l("Confirm I go"),
    "report": _l("File the report"),
}
TEAM_ACTIONS = {
    "apply": _l("Apply"),
    "withdraw": _l("Withdraw"),
    "approve": _l("Approve (立项)"),
    "reject": _l("Reject"),
    "start": _l("Start building"),
    "accept": _l("Accept (验收)"),
    "fail": _l("Fail the acceptance"),
}

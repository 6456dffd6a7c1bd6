"""The counties' assessment in the JSON API: the year's table (a county bureau its own county,
and the ranking once published), and the pages' actions through the same services: entering a
figure with its evidence, publishing, recording an interview, the county's report and the city's
review."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields, validate

from core.api import ApiBlueprint
from core.errors import NotFound, PermissionDenied
from core.extensions import db
from core.schemas import ApiSchema, Id, Label, PageQuery, Text, Timestamp, Upload, between, length
from core.timeutil import today

from . import services
from .compute import Table
from .models import Interview, ManualFigure

api = ApiBlueprint("assessment_api", __name__)
TAGS = ["assessment"]
NO_YEAR = {404: "No assessment of that year: before 2023, or still to come"}


class AssessmentQuery(ApiSchema):
    year = fields.Integer(
        validate=between(2000, 2100),
        metadata={"description": "The year assessed (default: this year)"},
    )


class AssessmentItemOut(ApiSchema):
    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(
        required=True,
        allow_none=True,
        metadata={"description": "A ratio (0–1) or a count; null: no figure"},
    )
    target = fields.Float(required=True)
    weight = fields.Float(required=True)
    score = fields.Float(required=True)


class AssessedCountyOut(ApiSchema):
    county = fields.String(required=True, metadata={"description": "The county's code"})
    name = fields.String(required=True)
    items = fields.List(fields.Nested(AssessmentItemOut), required=True)
    total = fields.Float(required=True)
    rank = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "null for a county bureau before publishing"},
    )


class CountyAssessmentOut(ApiSchema):
    year = fields.Integer(required=True)
    published = fields.Boolean(required=True)
    published_at = Timestamp(allow_none=True)
    as_of = fields.Date(required=True, metadata={"description": "The day the figures are of"})
    counties = fields.List(fields.Nested(AssessedCountyOut), required=True)


def as_api(table: Table, ranked: bool) -> dict[str, Any]:
    return {
        "year": table.year,
        "published": table.published,
        "published_at": table.published_at,
        "as_of": table.as_of,
        "counties": [
            {"county": c.code, "name": c.name, "total": float(c.total),
             "rank": c.rank if ranked else None,
             "items": [{"key": i.key, "label": i.label,
                        "value": None if c.cells[i.key].value is None
                        else float(c.cells[i.key].value),
                        "target": float(i.target), "weight": float(i.weight),
                        "score": float(c.cells[i.key].score)} for i in table.items]}
            for c in table.counties
        ],
    }  # fmt: skip


def _reader() -> None:
    if not services.may_read(current_user):
        raise PermissionDenied(_("The counties' assessment is the bureau's."))


def _answer(year: int) -> dict[str, Any]:
    table = services.visible(services.table(year), current_user)
    return as_api(table, ranked=table.published or services.is_city(current_user))


@api.route("/county-assessments", methods=["GET"], tags=TAGS, query=AssessmentQuery,
           summary="A year's assessment of the counties: each item's value, target, weight and "
           "score, the totals and the ranking", response=CountyAssessmentOut,
           errors=NO_YEAR)  # fmt: skip
def read(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    _reader()
    year = query.get("year") or today().year
    services.check_year(year)
    return _answer(year)


@api.route("/county-assessments/<int:year>/publish", methods=["POST"], tags=TAGS,
           summary="Publish the year (the city bureau): its figures are frozen, the counties told",
           response=CountyAssessmentOut, errors=NO_YEAR)  # fmt: skip
def publish(year: int):  # type: ignore[no-untyped-def]
    services.publish(year, current_user)
    return _answer(year)


class AssessmentFigureIn(ApiSchema):
    county = fields.String(required=True, validate=length(min=1, max=12))
    item = fields.String(required=True, validate=length(min=1, max=50))
    value = fields.String(
        required=True,
        validate=validate.Regexp(r"^\d{1,12}(\.\d{1,4})?$"),
        metadata={"description": "A ratio as 0–1 (0.95), a number as it is (12)"},
    )
    note = Text(load_default="", validate=length(max=200))
    evidence = Upload(metadata={"description": "The document the figure comes from (PDF, JPEG or "
                                               "PNG); required the first time"})  # fmt: skip


class AssessmentFigureOut(ApiSchema):
    id = Id(required=True)
    year = fields.Integer(required=True)
    county = fields.Function(lambda f: f.county.code, required=True)
    item = fields.String(required=True)
    value = fields.Float(required=True)
    note = fields.String(required=True)
    has_evidence = fields.Function(lambda f: f.evidence_id is not None, required=True)


@api.route("/county-assessments/<int:year>/figures", methods=["POST"], tags=TAGS,
           summary="Enter or correct a figure the system does not hold, with its evidence",
           multipart=AssessmentFigureIn, response=AssessmentFigureOut, errors=NO_YEAR)  # fmt: skip
def enter_figure(year: int, form: dict[str, Any]):  # type: ignore[no-untyped-def]
    _reader()
    county = services.county_by_code(form["county"])
    figure: ManualFigure = services.enter_figure(
        year,
        county,
        form["item"],
        form["value"],
        form.get("evidence"),
        form.get("note", ""),
        current_user,
    )
    return figure


class InterviewCommitmentIn(ApiSchema):
    text = fields.String(required=True, validate=length(min=1, max=1000))
    due_on = fields.Date(required=True)


class InterviewIn(ApiSchema):
    county = fields.String(required=True, validate=length(min=1, max=12))
    held_on = fields.Date(required=True)
    attendees = fields.String(required=True, validate=length(min=1, max=2000))
    issues = fields.String(required=True, validate=length(min=1, max=4000))
    commitments = fields.List(fields.Nested(InterviewCommitmentIn), required=True,
                              validate=length(min=1, max=50))  # fmt: skip


class InterviewCommitmentOut(ApiSchema):
    id = Id(required=True)
    text = fields.String(required=True)
    due_on = fields.Date(required=True)
    action = fields.String(required=True)
    done_on = fields.Date(required=True, allow_none=True)
    overdue = fields.Boolean(required=True)


class InterviewOut(ApiSchema):
    id = Id(required=True)
    year = fields.Integer(required=True)
    county = fields.Function(lambda i: i.county.code, required=True)
    held_on = fields.Date(required=True)
    attendees = fields.String(required=True)
    issues = fields.String(required=True)
    status = fields.String(required=True)
    status_label = Label(services.INTERVIEW_WORKFLOW.states, attribute="status")
    commitments = fields.List(fields.Nested(InterviewCommitmentOut), required=True)


@api.route("/county-assessments/<int:year>/interviews", methods=["POST"], tags=TAGS,
           summary="Record an interview (约谈) with a county: its commitments reach the county "
           "bureau's 待办", body=InterviewIn, response=InterviewOut, status=201,
           errors=NO_YEAR)  # fmt: skip
def record_interview(year: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _reader()
    return services.record_interview(year, services.county_by_code(body["county"]), body,
                                     current_user)  # fmt: skip


@api.route("/interviews", methods=["GET"], tags=TAGS, query=PageQuery, paged=True,
           summary="The interviews you may read, newest first", response=InterviewOut)  # fmt: skip
def interviews(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    _reader()
    return services.interviews(current_user)


def _interview(interview_id: int) -> Interview:
    _reader()
    interview = db.session.get(Interview, interview_id)
    if interview is None or not services.may_see_interview(current_user, interview):
        raise NotFound(_("No such interview."))
    return interview


@api.route("/interviews/<int:interview_id>", methods=["GET"], tags=TAGS,
           summary="An interview and its commitments", response=InterviewOut)  # fmt: skip
def interview(interview_id: int):  # type: ignore[no-untyped-def]
    return _interview(interview_id)


class CommitmentActionIn(ApiSchema):
    id = Id(required=True, metadata={"description": "The commitment"})
    action = Text(required=True, validate=length(max=2000))
    done_on = fields.Date(allow_none=True, load_default=None)


class InterviewReportIn(ApiSchema):
    commitments = fields.List(fields.Nested(CommitmentActionIn), required=True)
    send = fields.Boolean(
        load_default=False, metadata={"description": "Send the report to the city bureau"}
    )


@api.route("/interviews/<int:interview_id>/report", methods=["POST"], tags=TAGS,
           summary="The county bureau records what it did on each commitment, and sends the "
           "report with send=true", body=InterviewReportIn, response=InterviewOut)  # fmt: skip
def report(interview_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    interview = _interview(interview_id)
    actions = {a["id"]: {"action": a["action"], "done_on": a.get("done_on")}
               for a in body["commitments"]}  # fmt: skip
    return services.record_actions(interview, actions, current_user, send=body["send"])


class InterviewReviewIn(ApiSchema):
    reason = Text(load_default="", validate=length(max=500))


@api.route("/interviews/<int:interview_id>/<any(close, return):action>", methods=["POST"],
           tags=TAGS, summary="The city bureau closes a reported interview, or returns it with a "
           "reason", body=InterviewReviewIn, response=InterviewOut)  # fmt: skip
def review(interview_id: int, action: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return services.act(_interview(interview_id), action, current_user, body.get("reason", ""))

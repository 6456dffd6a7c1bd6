"""Every rule and state change of the counties' assessment: the figures the bureau enters,
publishing a year (its figures frozen, through the workflow), the interviews (约谈) and their
commitments; and who may read what."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from core import audit, handover, rules
from core.errors import Conflict, NotFound, PermissionDenied, RuleViolated, ValidationFailed
from core.extensions import db
from core.models import County, Role, User
from core.timeutil import today, utcnow
from core.uploads import save_upload
from core.workflow import Step, Workflow, lock

from . import compute
from .compute import Table
from .items import Item
from .models import AssessmentStatus as A
from .models import Commitment, CountyAssessment, Interview, ManualFigure
from .models import InterviewStatus as I
from .waits import (
    ASSESSMENT_WAITS,
    INTERVIEW_WAITS,
    city_bureau,
    county_bureau,
    is_city,
    is_county_of,
)

FIRST_YEAR = 2023  # the plan's first year: nothing is assessed before it


# ---- reading --------------------------------------------------------------------------------
def may_read(user: User) -> bool:
    return is_city(user) or (user.role == Role.BUREAU and user.county_id is not None)


def assessment(year: int) -> CountyAssessment | None:
    return db.session.scalar(select(CountyAssessment).where(CountyAssessment.year == year))


def table(year: int) -> Table:
    """The year's table: frozen once published, else counted now."""
    row = assessment(year)
    if row is not None and row.status == A.PUBLISHED and row.results:
        by = str(row.published_by) if row.published_by else ""
        return compute.thaw(row.results, row.published_at, by)
    return compute.compute(year)


def visible(table_: Table, user: User) -> Table:
    """What `user` may read of it: the city everything; a county bureau its own county, and the
    whole ranking once the year is published."""
    if is_city(user) or table_.published:
        return table_
    own = [c for c in table_.counties if user.county is not None and c.code == user.county.code]
    return Table(table_.year, table_.as_of, table_.items, own, None, "")


def items_confirmed(year: int) -> bool:
    """Whether the city has entered its own items for `year` (else the shipped, unconfirmed
    defaults are in force, and the page says so)."""
    return any(v.valid_from <= date(year, 12, 31) for v in rules.versions(compute.ITEMS_RULE))


def years() -> list[int]:
    return list(range(today().year, FIRST_YEAR - 1, -1))


def check_year(year: int) -> None:
    if not FIRST_YEAR <= year <= today().year:
        raise NotFound(_("Choose a year from %(first)s to %(last)s.", first=FIRST_YEAR,
                         last=today().year))  # fmt: skip


def county_by_code(code: str) -> County:
    county = next((c for c in compute.assessed_counties() if c.code == code), None)
    if county is None:
        raise NotFound(_("No such county."))
    return county


def _own(year: int) -> CountyAssessment:
    """The year's row, made on first use (by whichever of two people comes first)."""
    row = assessment(year)
    if row is None:
        try:
            with db.session.begin_nested():
                row = CountyAssessment(year=year, status=A.DRAFT)
                db.session.add(row)
        except IntegrityError:  # made at the same moment by someone else: theirs stands
            row = assessment(year)
    assert row is not None
    return row


def _unpublished(year: int) -> None:
    row = assessment(year)
    if row is not None:
        lock(row)
        if row.status == A.PUBLISHED:
            raise Conflict(_("The %(year)s assessment is published: its figures are frozen.",
                             year=year), status=str(row.status))  # fmt: skip


# ---- the figures the bureau enters ----------------------------------------------------------
def parse_value(text: Any, unit: str) -> Decimal:
    """A figure as entered: a ratio as 0–1 (the page converts its percent), a number as it is.
    Out of range is a rule refusing a well-formed number (the API's 409)."""
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValidationFailed({"value": _("Enter a number.")}) from None
    if not value.is_finite() or value < 0 or (unit == "ratio" and value > 1):
        message = (_("Enter a percentage from 0 to 100.") if unit == "ratio"
                   else _("Enter a number of at least 0."))  # fmt: skip
        raise RuleViolated({"value": message})
    return value.quantize(Decimal("0.0001"))


def enter_figure(year: int, county: County, key: str, value: Any, evidence: FileStorage | None,
                 note: str, by: User) -> ManualFigure:  # fmt: skip
    """Enter (or correct) a manual item's figure for a county; its evidence file is required
    the first time and replaces the earlier one when given again."""
    if not is_city(by):
        raise PermissionDenied(_("Only the city bureau enters the assessment's figures."))
    check_year(year)
    _unpublished(year)
    item = manual_item(year, key)
    if item is None:
        raise RuleViolated({"item": _("Choose an item the bureau enters.")})
    number = parse_value(value, item.unit)
    figure = figures(year).get((county.id, key))
    has_file = evidence is not None and bool(evidence.filename)
    if not has_file and (figure is None or figure.evidence_id is None):
        raise RuleViolated({"evidence": _("Attach the document the figure comes from.")})
    upload = None
    if has_file:
        try:
            upload = save_upload(evidence, by)  # type: ignore[arg-type]
        except ValueError as err:
            raise RuleViolated({"evidence": str(err)}) from None
    _own(year)
    action = "assessment_figure_corrected" if figure is not None else "assessment_figure_entered"
    entered: dict[str, list[Any]] = {}
    if figure is None:
        entered = {"value": [None, str(number)]}  # the row is written at once (below)
        try:
            with db.session.begin_nested():
                figure = ManualFigure(year=year, county_id=county.id, item=key, value=number,
                                      entered_by_id=by.id)  # fmt: skip
                db.session.add(figure)
        except IntegrityError:  # entered at the same moment by a colleague: this corrects it
            figure = figures(year)[(county.id, key)]
            action, entered = "assessment_figure_corrected", {}
    figure.value = number
    figure.note = (note or "").strip()[:200]
    figure.entered_by_id = by.id
    if upload is not None:
        figure.evidence_id = upload.id
    changes = {**entered, **audit.pending_changes(figure)}
    if action == "assessment_figure_corrected" and not changes:
        return figure  # the same figure again: nothing to record
    db.session.flush()
    audit.record(action, figure, by=by, changes=changes,
                 label=f"{year} {county.name} {item.label}")  # fmt: skip
    db.session.flush()
    return figure


def manual_item(year: int, key: str) -> Item | None:
    """The item `key` of `year` when it is one the bureau enters."""
    return next((i for i in compute.items_of(year) if i.key == key and i.manual), None)


def figures(year: int) -> dict[tuple[int, str], ManualFigure]:
    query = select(ManualFigure).where(ManualFigure.year == year)
    return {(f.county_id, f.item): f for f in db.session.scalars(query)}


def missing(year: int) -> list[tuple[County, str]]:
    """The manual figures not entered yet: (county, item label)."""
    entered = figures(year)
    items = [i for i in compute.items_of(year) if i.manual]
    return [(c, i.label) for c in compute.assessed_counties() for i in items
            if (c.id, i.key) not in entered]  # fmt: skip


# ---- publishing -----------------------------------------------------------------------------
def _complete(record: CountyAssessment, _by: Any, _reason: str, **_data: Any) -> None:
    gaps = missing(record.year)
    if gaps:
        names = "、".join(f"{c.name}·{label}" for c, label in gaps[:6])
        more = len(gaps) - 6
        raise Conflict(_("Enter every figure first: %(missing)s", missing=names)
                       + (_(" and %(n)s more", n=more) if more > 0 else ""),
                       code="figures_missing")  # fmt: skip


def _freeze(record: CountyAssessment, by: User | None, _reason: str, **_data: Any) -> None:
    record.results = compute.freeze(compute.compute(record.year))
    record.published_at = utcnow()
    record.published_by_id = by.id if by is not None else None


ASSESSMENT_WORKFLOW = Workflow(
    table={(A.DRAFT, "publish"): Step(A.PUBLISHED, lambda by, _r: is_city(by), guard=_complete,
                                      effect=_freeze, audit_as="assessment_published")},
    states={A.DRAFT: _l("Draft"), A.PUBLISHED: _l("Published")},
    actions={"publish": _l("Publish the assessment")},
    notices={"publish": [handover.Notice(
        "assessment_published", lambda a: [*city_bureau(), *_all_counties()],
        lambda a: f"/assessment?year={a.year}", lambda a: {"year": a.year})]},
    describe=lambda a: {"label": str(a.year)},
    model=CountyAssessment,
    waits=ASSESSMENT_WAITS,
)  # fmt: skip


def _all_counties() -> list[int]:
    return [u for c in compute.assessed_counties() for u in county_bureau(c.id)]


def publish(year: int, by: User) -> CountyAssessment:
    check_year(year)
    if not is_city(by):
        raise PermissionDenied(_("Only the city bureau publishes the assessment."))
    return ASSESSMENT_WORKFLOW.transition(_own(year), "publish", by)


# ---- interviews (约谈) ------------------------------------------------------------------------
def _actions_recorded(record: Interview, _by: Any, _reason: str, **_data: Any) -> None:
    empty = [n for n, c in enumerate(record.commitments, start=1) if not c.action.strip()]
    if empty:
        raise RuleViolated({f"action_{n}": _("Say what was done on this commitment.")
                                for n in empty})  # fmt: skip


def _reported(record: Interview, *_args: Any, **_data: Any) -> None:
    record.reported_at = utcnow()


def _interview_link(i: Interview) -> str:
    return f"/assessment/interviews/{i.id}"


def _about(i: Interview) -> dict[str, Any]:
    return {"county": i.county.name, "held_on": i.held_on.isoformat()}


def _tell(kind: str, to: Any) -> list[handover.Notice]:
    return [handover.Notice(kind, to, _interview_link, _about)]


INTERVIEW_WORKFLOW = Workflow(
    table={
        (I.OPEN, "report"): Step(I.REPORTED, lambda by, i: is_county_of(by, i.county_id),
                                 guard=_actions_recorded, effect=_reported,
                                 audit_as="interview_reported"),
        (I.REPORTED, "close"): Step(I.CLOSED, lambda by, _i: is_city(by),
                                    audit_as="interview_closed"),
        (I.REPORTED, "return"): Step(I.OPEN, lambda by, _i: is_city(by), needs_reason=True,
                                     audit_as="interview_returned"),
    },
    states={I.OPEN: _l("Open"), I.REPORTED: _l("Reported"), I.CLOSED: _l("Closed")},
    actions={"report": _l("Send the report"), "close": _l("Close"), "return": _l("Return")},
    notices={
        "record": _tell("interview_recorded", lambda i: county_bureau(i.county_id)),
        "report": _tell("interview_reported", lambda _i: city_bureau()),
        "close": _tell("interview_closed", lambda i: county_bureau(i.county_id)),
        "return": _tell("interview_returned", lambda i: county_bureau(i.county_id)),
    },
    describe=lambda i: {"label": str(i)},
    model=Interview,
    waits=INTERVIEW_WAITS,
)  # fmt: skip


def _text(data: dict[str, Any], name: str, label: str, limit: int, errors: dict) -> str:  # type: ignore[type-arg]
    value = str(data.get(name) or "").strip()
    if not value:
        errors[name] = _("Enter %(what)s.", what=label)
    elif len(value) > limit:
        errors[name] = _("At most %(n)s characters.", n=limit)
    return value


def record_interview(year: int, county: County, data: dict[str, Any], by: User) -> Interview:
    """The city bureau records an interview: the day, who attended, the issues, and the
    commitments ([{text, due_on}], at least one) with their due dates."""
    if not is_city(by):
        raise PermissionDenied(_("Only the city bureau records an interview."))
    check_year(year)
    errors: dict[str, str] = {}
    held_on = data.get("held_on")
    if not isinstance(held_on, date):
        errors["held_on"] = _("Enter the day of the interview.")
    elif held_on > today():
        errors["held_on"] = _("An interview is recorded once it has taken place.")
    attendees = _text(data, "attendees", _("who attended"), 2000, errors)
    issues = _text(data, "issues", _("the issues raised"), 4000, errors)
    commitments = []
    for n, raw in enumerate(data.get("commitments") or [], start=1):
        text, due = str(raw.get("text") or "").strip(), raw.get("due_on")
        if not text and not due:
            continue  # an empty line of the form
        if not text or len(text) > 1000:
            errors[f"commitment_{n}"] = _("Say what the county commits to (at most 1000 "
                                          "characters).")  # fmt: skip
        if not isinstance(due, date):
            errors[f"due_{n}"] = _("Enter the day it is due.")
        elif isinstance(held_on, date) and due < held_on:
            errors[f"due_{n}"] = _("A commitment falls due after the interview.")
        commitments.append((text, due))
    if not commitments:
        errors["commitment_1"] = _("Record at least one commitment.")
    if errors:
        raise RuleViolated(errors)
    interview = Interview(year=year, county_id=county.id, held_on=held_on, attendees=attendees,
                          issues=issues, status=I.OPEN, created_by_id=by.id)  # fmt: skip
    interview.commitments = [Commitment(position=n, text=t, due_on=d)
                             for n, (t, d) in enumerate(commitments)]  # fmt: skip
    db.session.add(interview)
    db.session.flush()
    changes = {"status": [None, I.OPEN], "commitments": [None, len(commitments)]}
    audit.record("interview_recorded", interview, by=by, label=str(interview), changes=changes)
    INTERVIEW_WORKFLOW.announce(interview, "record", by)
    db.session.flush()
    return interview


def record_actions(interview: Interview, actions: dict[int, dict[str, Any]], by: User,
                   send: bool = False) -> Interview:  # fmt: skip
    """The county bureau records what it did on each commitment ({commitment id: {action,
    done_on}}); with `send`, the report goes to the city bureau (every commitment answered)."""
    if not is_county_of(by, interview.county_id):
        raise PermissionDenied(_("Only the county's bureau reports on its interview."))
    lock(interview)
    if interview.status != I.OPEN:
        raise Conflict(_("This interview is now “%(status)s”: its report is sent.",
                         status=INTERVIEW_WORKFLOW.states[interview.status]),
                       status=str(interview.status))  # fmt: skip
    errors = {}
    for n, commitment in enumerate(interview.commitments, start=1):
        given = actions.get(commitment.id)
        if given is None:
            continue
        text = str(given.get("action") or "").strip()
        done_on = given.get("done_on")
        if len(text) > 2000:
            errors[f"action_{n}"] = _("At most %(n)s characters.", n=2000)
        if done_on is not None and (not isinstance(done_on, date) or done_on > today()):
            errors[f"done_{n}"] = _("Enter a day that has come.")
        # Something done is done on a day: the day given, else the day it is recorded.
        commitment.action = text
        commitment.done_on = (done_on or today()) if text else None
        changes = audit.pending_changes(commitment)
        if changes:
            audit.record("commitment_updated", commitment, by=by, changes=changes,
                         label=str(interview))  # fmt: skip
    if errors:
        raise RuleViolated(errors)
    db.session.flush()
    if send:
        INTERVIEW_WORKFLOW.transition(interview, "report", by)
    return interview


def act(interview: Interview, action: str, by: User, reason: str = "") -> Interview:
    """The city bureau closes a reported interview, or returns it to the county (a reason)."""
    if action not in ("close", "return"):
        raise NotFound(_("No such action."))
    return INTERVIEW_WORKFLOW.transition(interview, action, by, reason)


def may_see_interview(user: User, interview: Interview) -> bool:
    return is_city(user) or is_county_of(user, interview.county_id)


def interviews(user: User, year: int | None = None, county_id: int | None = None):  # type: ignore[no-untyped-def]
    """The interviews `user` may read, newest first."""
    query = select(Interview).order_by(Interview.held_on.desc(), Interview.id.desc())
    if not is_city(user):
        query = query.where(Interview.county_id == (user.county_id or -1))
    if year is not None:
        query = query.where(Interview.year == year)
    if county_id is not None:
        query = query.where(Interview.county_id == county_id)
    return query


def inbox(user: User) -> list[Any]:
    """What waits for `user` here: a year to publish, an interview to report on or review."""
    return ASSESSMENT_WORKFLOW.inbox(user) + INTERVIEW_WORKFLOW.inbox(user)


def overdue(county_id: int | None = None) -> list[Commitment]:
    """Commitments past their day with nothing done while the interview is not closed: on the
    city's board (all) and the county's (its own)."""
    query = (
        select(Commitment).join(Interview)
        .where(Commitment.done_on.is_(None), Commitment.due_on < today(),
               Interview.status != I.CLOSED)
        .order_by(Commitment.due_on)
    )  # fmt: skip
    if county_id is not None:
        query = query.where(Interview.county_id == county_id)
    return list(db.session.scalars(query))

"""The lists behind the numbers: for each indicator, the people (or schools, teams) it counts or
is still missing, for a scope and period. Each list is one query, paginated; a page's details
(what a teacher still lacks) take a fixed number of queries more. The same rows go to Excel."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import g, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, func, select

from core.db import among
from core.extensions import db
from core.models import School
from core.rules import get_rule
from placements import stats as placement_stats
from placements.ledger import Window, days_by_teacher, falls_short, summaries
from placements.models import Enterprise, Placement
from recognition import dual
from recognition import labels as recognition_labels
from recognition import stats as recognition_stats
from recognition.models import Kind, Recognition
from teachers import labels as teacher_labels
from teachers.appointments.capacity import capacities
from teachers.literacy import stats as literacy_stats
from teachers.models import Teacher
from teachers.queries import active_professional_on
from teachers.teams import stats as team_stats
from teachers.teams.models import InnovationTeam, Nomination, OverseasBatch

from .periods import Period


@dataclass(frozen=True)
class Cell:
    """A value, and where it links to on the page (Excel gets the value only)."""

    value: Any
    href: str = ""


@dataclass(frozen=True)
class Drill:
    title: Any
    columns: list[Any]
    query: Callable[[Period, tuple[int, ...]], Select[Any]]
    rows: Callable[[list[Any], Period], list[list[Cell | Any]]]
    # The list's length read off the board's own figure (already computed and shared), where
    # the list is exactly the figure's gap: no second count of a province's teachers.
    counted: Callable[[Any], int] | None = None
    figure: str = ""  # the indicator whose figure `counted` reads, when not the list's own key
    # A page of the list (offset, limit) where one ordered query would sort a province's rows
    # first: the list read as its parts, each in index order.
    page: Callable[[Period, tuple[int, ...], int, int], list[Any]] | None = None


WHO = [_l("Teacher"), _l("Staff number")]  # a list of teachers names each with their 工号


def _teacher_cell(teacher: Teacher) -> Cell:
    return Cell(teacher.name, url_for("teachers.profile", teacher_id=teacher.id))


# --- professional teachers not yet dual-qualified, with what each still lacks --------------------


def _not_dual_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return (
        select(Teacher)
        .where(
            among(Teacher.school_id, ids),
            active_professional_on(period.at),
            ~recognition_stats.is_dual_qualified(period.at),
        )
        .order_by(Teacher.school_id, Teacher.staff_no)
    )


def _not_dual_rows(teachers: list[Teacher], period: Period) -> list[list[Any]]:
    return [row[:5] + row[6:] for row in _professional_rows([(t, False) for t in teachers], period)]


def _professional_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    """The ratio's denominator, each teacher with whether the numerator counts them (those not
    yet dual-qualified first: the gap heads the list)."""
    counted = recognition_stats.is_dual_qualified(period.at)
    return (
        select(Teacher, counted.label("counted"))
        .where(among(Teacher.school_id, ids), active_professional_on(period.at))
        .order_by(counted, Teacher.school_id, Teacher.staff_no)
    )


def _professional_page(period: Period, ids: tuple[int, ...], offset: int, limit: int) -> list[Any]:
    """A page of `_professional_query` without sorting every teacher by "counted" first: those
    not yet dual-qualified (in school and staff-number order, an index's), then the others. How
    many come first is counted only for a page that lies wholly past them."""
    counted = recognition_stats.is_dual_qualified(period.at)
    base = (
        select(Teacher)
        .where(among(Teacher.school_id, ids), active_professional_on(period.at))
        .order_by(Teacher.school_id, Teacher.staff_no)
    )
    first = db.session.scalars(base.where(~counted).offset(offset).limit(limit)).all()
    rows: list[Any] = [(t, False) for t in first]
    if len(rows) == limit:
        return rows
    skip = 0  # a page holding the last of the first part goes on with the first of the rest
    if not first:
        before = select(func.count()).select_from(base.where(~counted).order_by(None).subquery())
        skip = offset - int(db.session.scalar(before) or 0)
    rest = db.session.scalars(base.where(counted).offset(skip).limit(limit - len(rows))).all()
    return rows + [(t, True) for t in rest]


def _professional_rows(rows: list[Any], period: Period) -> list[list[Any]]:
    teachers = [t for t, _counted in rows]
    evidence = dual.gather_many([t for t, counted in rows if not counted], period.at)
    schools = _school_names({t.school_id for t in teachers})
    out = []
    for t, counted in rows:
        if counted:
            lacks = ""
        else:
            missing = [
                str(recognition_labels.CRITERION[c["criterion"]])
                for c in dual.assess(evidence[t.id], "junior", period.at)
                if not c["met"]
            ]
            lacks = "、".join(missing) or _("Nothing: the teacher can apply now")
        out.append(
            [
                _teacher_cell(t),
                t.staff_no,
                schools[t.school_id],
                str(teacher_labels.TITLE.get(t.title, "")),
                round(evidence[t.id]["practice_days"], 1) if not counted else "",
                _("Yes") if counted else _("No"),
                lacks,
            ]
        )
    return out


# --- teachers short of enterprise practice days --------------------------------------------------


def _short_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    window = Window.ending(period.at)
    of_scope = select(Teacher.id).where(among(Teacher.school_id, ids))
    days = days_by_teacher(window, of_scope).subquery()
    required = get_rule("practice_days_required", period.at)
    return (
        select(Teacher)
        .outerjoin(days, days.c.teacher_id == Teacher.id)
        .where(
            among(Teacher.school_id, ids),
            active_professional_on(period.at),
            falls_short(days.c[1], required),
        )
        .order_by(func.coalesce(days.c[1], 0), Teacher.staff_no)
    )


def _short_rows(teachers: list[Teacher], period: Period) -> list[list[Any]]:
    practice = summaries(teachers, period.at)
    schools = _school_names({t.school_id for t in teachers})
    return [
        [
            _teacher_cell(t),
            t.staff_no,
            schools[t.school_id],
            float(practice[t.id].days_in_window),
            float(practice[t.id].shortfall),
        ]
        for t in teachers
    ]


# --- records counted ------------------------------------------------------------------------------


def _recognitions_query(kind: Kind) -> Callable[[Period, tuple[int, ...]], Select[Any]]:
    def query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
        return (
            recognition_stats.recognised_rows(period.start, period.at, kind, ids)
            .add_columns(Teacher, School.name)
            .join(School, Teacher.school_id == School.id)
            .order_by(Recognition.confirmed_on.desc(), Recognition.id)
        )

    return query


def _recognition_rows(rows: list[Any], _period: Period) -> list[list[Any]]:
    return [
        [
            _teacher_cell(t),
            t.staff_no,
            school,
            str(recognition_labels.TIER.get(r.tier, r.tier)),
            r.basis,
            r.confirmed_on,
        ]
        for r, t, school in rows
    ]


def _placements_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return (
        placement_stats.counted_rows(period.start, period.at, ids)
        .add_columns(Teacher, School.name, Enterprise.name)
        .join(School, Teacher.school_id == School.id)
        .join(Enterprise, Placement.enterprise_id == Enterprise.id)
        .order_by(Placement.end_date.desc(), Placement.id)
    )


def _placement_rows(rows: list[Any], _period: Period) -> list[list[Any]]:
    return [
        [_teacher_cell(t), t.staff_no, school, enterprise, p.start_date, p.end_date, float(p.days)]
        for p, t, school, enterprise in rows
    ]


def _teams_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return (
        team_stats.team_rows(period.at, ids)
        .add_columns(School.name)
        .join(School, InnovationTeam.school_id == School.id)
        .order_by(InnovationTeam.building_start.desc(), InnovationTeam.id)
    )


def _team_rows(rows: list[Any], _period: Period) -> list[list[Any]]:
    from teachers.teams.forms import LEVELS, TEAM_STATUS

    return [
        [
            Cell(team.name, url_for("teams.detail", team_id=team.id)),
            school,
            str(LEVELS.get(team.level, "")),
            str(TEAM_STATUS.get(team.status, "")),
            team.building_start,
        ]
        for team, school in rows
    ]


def _abroad_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return (
        team_stats.returned_rows(period.start, period.at, ids)
        .add_columns(Teacher, School.name, OverseasBatch)
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .join(School, Teacher.school_id == School.id)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .order_by(OverseasBatch.end_date.desc(), Nomination.id)
    )


def _abroad_rows(rows: list[Any], _period: Period) -> list[list[Any]]:
    return [
        [_teacher_cell(t), t.staff_no, school, batch.country, batch.theme, batch.end_date]
        for _n, t, school, batch in rows
    ]


# --- teachers who have not passed the year's digital-literacy round ------------------------------


def _literacy_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return literacy_stats.not_passed(period.at.year, period.at, ids)


def _literacy_rows(teachers: list[Teacher], period: Period) -> list[list[Any]]:
    schools = _school_names({t.school_id for t in teachers})
    latest = literacy_stats.latest_totals([t.id for t in teachers], period.at.year)
    return [[_teacher_cell(t), t.staff_no, schools[t.school_id], literacy_result(latest.get(t.id))]
            for t in teachers]  # fmt: skip


def literacy_result(current: tuple[Any, bool] | None) -> str:
    """A teacher's current literacy result of a year in words (the list's, the home's)."""
    if current is None:
        return _("No result yet")
    total, ok = current
    return (_("%(total)s points, passed", total=total) if ok
            else _("%(total)s points, not passed", total=total))  # fmt: skip


# --- schools: part-time places and participation -------------------------------------------------


def _schools_query(period: Period, ids: tuple[int, ...]) -> Select[Any]:
    return select(School).where(among(School.id, ids)).order_by(School.code)


def _schools_in_order(
    order: Callable[[list[School], Period], dict[int, Any]],
) -> Callable[[Period, tuple[int, ...], int, int], list[Any]]:
    """A page of a scope's schools in the list's order, sorted over the whole scope before
    paging (sorted within a page, "over the cap first" held on one page only). A scope has
    a few hundred schools at most: their figures are read at once, as the board reads them."""

    def page(period: Period, ids: tuple[int, ...], offset: int, limit: int) -> list[Any]:
        schools = list(db.session.scalars(_schools_query(period, ids)))
        key = order(schools, period)
        return sorted(schools, key=lambda s: (key[s.id], s.code))[offset : offset + limit]

    return page


def _over_the_cap_first(schools: list[School], period: Period) -> dict[int, Any]:
    caps = capacities([s.id for s in schools], on=period.at)
    return {s.id: (not caps[s.id].over_cap, -caps[s.id].active) for s in schools}


def _participation(year: int) -> dict[int, Any]:
    """The year's participation of every school, counted once for a page's order and rows."""
    from competitions.stats import participation

    kept: dict[int, dict[int, Any]] = g.setdefault("drill_participation", {})
    if year not in kept:
        kept[year] = participation(year, by="school")
    return kept[year]


def _least_participation_first(schools: list[School], period: Period) -> dict[int, Any]:
    found = _participation(period.at.year)
    return {s.id: found[s.id].rate if s.id in found else 0 for s in schools}


def _part_time_rows(schools: list[School], period: Period) -> list[list[Any]]:
    caps = capacities([s.id for s in schools], on=period.at)
    out = []
    for s in schools:
        c = caps[s.id]
        out.append(
            [
                Cell(s.name, url_for("appointments.index", school=s.code)),
                c.professional_teachers,
                c.cap,
                c.active,
                c.remaining,
                _("Over the cap") if c.over_cap else "",
            ]
        )
    return out  # in the page's order: over the cap first (`_over_the_cap_first`)


def _participation_rows(schools: list[School], period: Period) -> list[list[Any]]:
    found = _participation(period.at.year)
    out = []
    for s in schools:
        p = found.get(s.id)
        if p is None:
            out.append([s.name, 0, 0, 0, 0.0])
        else:
            out.append(
                [s.name, p.teachers, p.students, p.active_teachers + p.enrolled_students,
                 float(p.rate * 100)]
            )  # fmt: skip
    return out  # in the page's order: the least participation first


def _school_names(ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(select(School.id, School.name).where(School.id.in_(ids))).all())


DRILLS: dict[str, Drill] = {
    "digital_literacy_pass_rate": Drill(
        _l("Teachers who have not passed this year's digital-literacy round"),
        [*WHO, _l("School"), _l("Current result")],
        _literacy_query,
        _literacy_rows,
    ),
    "dual_qualified_ratio": Drill(
        _l("Professional teachers in post, and who is dual-qualified"),
        [*WHO, _l("School"), _l("Title"), _l("Practice days (5 years)"),
         _l("Dual-qualified (counted)"), _l("Still lacks (junior tier)")],
        _professional_query,
        _professional_rows,
        counted=lambda figure: figure.denominator or 0,
        page=_professional_page,
    ),
    "dual_qualified_missing": Drill(
        _l("Professional teachers not yet dual-qualified"),
        [*WHO, _l("School"), _l("Title"), _l("Practice days (5 years)"),
         _l("Still lacks (junior tier)")],
        _not_dual_query,
        _not_dual_rows,
        counted=lambda figure: (figure.denominator or 0) - figure.numerator,
        figure="dual_qualified_ratio",
    ),
    "practice_short": Drill(
        _l("Teachers short of enterprise practice days"),
        [*WHO, _l("School"), _l("Practice days (5 years)"), _l("Days short")],
        _short_query,
        _short_rows,
    ),
    "dual_qualified_teachers": Drill(
        _l("Dual-qualified recognitions confirmed in the period"),
        [*WHO, _l("School"), _l("Tier"), _l("Basis"), _l("Confirmed on")],
        _recognitions_query(Kind.DUAL_QUALIFIED),
        _recognition_rows,
    ),
    "enterprise_practice_person_times": Drill(
        _l("Enterprise practice counted (approved placements)"),
        [*WHO, _l("School"), _l("Enterprise"), _l("From"), _l("To"), _l("Days")],
        _placements_query,
        _placement_rows,
    ),
    "competition_participation_rate": Drill(
        _l("Participation by school"),
        [_l("School"), _l("Teachers taking part"), _l("Students taking part"),
         _l("Teachers and students"), _l("Participation (%)")],
        _schools_query,
        _participation_rows,
        page=_schools_in_order(_least_participation_first),
    ),
    "innovation_teams": Drill(
        _l("City-level innovation teams counted"),
        [_l("Team"), _l("School"), _l("Level"), _l("Status"), _l("Building since")],
        _teams_query,
        _team_rows,
    ),
    "overseas_study_teachers": Drill(
        _l("Teachers back from study abroad"),
        [*WHO, _l("School"), _l("Country"), _l("Theme"), _l("Back on")],
        _abroad_query,
        _abroad_rows,
    ),
    "part_time_ratio": Drill(
        _l("Part-time places by school"),
        [_l("School"), _l("Professional teachers"), _l("Cap"), _l("In post"),
         _l("Places left"), _l("Over the cap")],
        _schools_query,
        _part_time_rows,
        page=_schools_in_order(_over_the_cap_first),
    ),
    "d_class_talents": Drill(
        _l("D-class recognitions confirmed in the period"),
        [*WHO, _l("School"), _l("Tier"), _l("Basis"), _l("Confirmed on")],
        _recognitions_query(Kind.D_CLASS),
        _recognition_rows,
    ),
}  # fmt: skip


def page_items(  # type: ignore[no-untyped-def]
    drill: Drill, period: Period, ids: tuple[int, ...], page: int, per_page: int, figure=None
):
    query = drill.query(period, ids)
    if drill.counted is not None and figure is not None:
        total = drill.counted(figure)
    else:
        # Counted over the list's own tables, without the page's columns (see core.db).
        counted = query.with_only_columns(func.count(), maintain_column_froms=True)
        total = int(db.session.scalar(counted.order_by(None)) or 0)
    if drill.page is not None:
        return drill.page(period, ids, (page - 1) * per_page, per_page), total
    result = db.session.execute(query.limit(per_page).offset((page - 1) * per_page))
    items = result.scalars().all() if len(query.column_descriptions) == 1 else result.all()
    return items, total


def all_items(drill: Drill, period: Period, ids: tuple[int, ...], chunk: int = 500):  # type: ignore[no-untyped-def]
    """Every row of the list, a chunk at a time (for Excel)."""
    page = 1
    while True:
        items, _total = page_items(drill, period, ids, page, chunk)
        if not items:
            return
        yield from drill.rows(list(items), period)
        if len(items) < chunk:
            return
        page += 1

"""The year's manual figures of every county in one workbook (区县考核 · 手工填报指标), their
evidence in one .zip beside it: what the city bureau otherwise enters as 36 forms (12 counties ×
3 items), each with its file. Every row goes through `services.enter_figure`, the form's own
checks and audit."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.errors import ValidationFailed
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import County, School, User
from core.timeutil import today

from . import compute, services
from .items import RATIO_UNIT, Item
from .models import AssessmentStatus, ManualFigure
from .services import FIRST_YEAR
from .waits import is_city


def _manual_labels() -> dict[str, str]:
    """The items the bureau enters, as the sheet names them (Chinese) → their key: this year's
    and last year's (the year usually assessed)."""
    this_year = today().year
    with force_locale("zh_Hans_CN"):
        return {i.label: i.key for year in (this_year - 1, this_year)
                for i in compute.items_of(year) if i.manual}  # fmt: skip


def _counties() -> dict[str, str]:
    return {c.name: c.code for c in compute.assessed_counties()}


def _ratio(text: Any) -> Decimal:
    """A percentage as a clerk writes it (95%, 95, ９５％) as 0–1. A bare number below 1 is
    refused: 0.95 may be a cell formatted as a percent (95%) or 0.95%, and a guess would be
    wrong either way."""
    written = imports.text_of(text)
    percent = written.endswith("%")
    try:
        number = Decimal(written.rstrip("%").strip().replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("Enter a percentage, e.g. 95%.")) from None
    if not percent and 0 < number < 1:
        raise ValueError(_("Write the percentage with its sign (%(n)s%% or %(p)s%%): a number "
                           "below 1 reads either way.", n=_plain(number),
                           p=_plain(number * 100)))  # fmt: skip
    return number / 100


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")  # 85, 0.85: never 85.00 or 8.5E+1


def _shown(value: Decimal | None, unit: str) -> str | None:
    if value is None:
        return None
    return f"{_plain(value * 100)}%" if unit == RATIO_UNIT else _plain(value)


@dataclass(frozen=True)
class _Year:
    published: bool
    items: dict[str, Item]  # the items the bureau enters, by key
    figures: dict[tuple[int, str], ManualFigure]

    @classmethod
    def read(cls, year: int) -> _Year:
        record = services.assessment(year)
        return cls(
            published=record is not None and record.status == AssessmentStatus.PUBLISHED,
            items={i.key: i for i in compute.items_of(year) if i.manual},
            figures=services.figures(year),
        )


def _plan(rows: list[Row], ctx: Context) -> list[Planned]:
    counties = {c.code: c for c in db.session.scalars(select(County))}
    # Each year the file names is read once (its state, its items, its figures), not per row.
    years: dict[int, _Year] = {}
    planned = []
    for row in rows:
        year, county = row["year"], counties[row["county"]]
        if not FIRST_YEAR <= year <= today().year:
            ctx.error(row, "year", _("Choose a year from %(first)s to %(last)s.",
                                     first=FIRST_YEAR, last=today().year))  # fmt: skip
            continue
        if year not in years:
            years[year] = _Year.read(year)
        held = years[year]
        if held.published:
            ctx.error(row, "year", _("The %(year)s assessment is published: its figures are "
                                     "frozen.", year=year))  # fmt: skip
            continue
        item = held.items.get(row["item"])
        if item is None:
            ctx.error(row, "item", _("The %(year)s assessment has no such item entered by the "
                                     "bureau.", year=year))  # fmt: skip
            continue
        value = None
        try:
            written = _ratio(row["value"]) if item.unit == RATIO_UNIT else row["value"]
            value = services.parse_value(written, item.unit)
        except ValueError as err:
            ctx.error(row, "value", str(err))
        except ValidationFailed as err:  # not a number, or out of range
            ctx.refused(row, err)
        figure = held.figures.get((county.id, item.key))
        evidence = (row["evidence"] or "").strip()
        # The evidence is checked whatever the value: every mistake of a row in one upload.
        problem = None
        if evidence:
            problem = (ctx.attachments.problem(evidence) if ctx.attachments is not None
                       else _("Upload the .zip with the documents the sheet names."))  # fmt: skip
        elif figure is None or figure.evidence_id is None:
            problem = _("Name the document the figure comes from (a file in the .zip).")
        if problem:
            ctx.error(row, "evidence", problem)
        if problem or value is None:
            continue
        note = (row["note"] or "").strip()[:200]
        changes: dict[str, tuple[Any, Any]] = {}
        if figure is not None:
            changes = imports.changed(figure, {"value": value, "note": note})
            if "value" in changes:
                changes["value"] = (_shown(figure.value, item.unit), _shown(value, item.unit))
            if evidence:
                changes["evidence"] = (_("on record"), evidence)
            if not changes:
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue

        def write(ctx: Context, year: int = year, county: County = county, key: str = item.key,
                  value: Decimal = value, evidence: str = evidence, note: str = note,
                  new: bool = figure is None) -> None:  # fmt: skip
            file = ctx.attachments.file(evidence) if evidence and ctx.attachments else None
            figure = services.enter_figure(year, county, key, str(value), file, note, ctx.by)
            if new:  # where it came from; a correction is audited by `enter_figure` alone
                ctx.mark(figure)

        action = imports.CREATE if figure is None else imports.UPDATE
        planned.append(Planned(row.number, action, write, changes))
    return planned


def _export(user: User, _school: School | None) -> Iterable[list[Any]]:
    """The figures on record, in the sheet's columns (the evidence stays: its cell is blank)."""
    units = {}
    with force_locale("zh_Hans_CN"):
        for year in services.years():
            for item in compute.items_of(year):
                if item.manual:
                    units[(year, item.key)] = (item.label, item.unit)
    query = (
        select(ManualFigure)
        .join(County)
        .order_by(ManualFigure.year.desc(), County.sort_order, ManualFigure.item)
    )
    for figure in db.session.scalars(query):
        label, unit = units.get((figure.year, figure.item), (figure.item, RATIO_UNIT))
        yield [figure.year, figure.county.name, label, _shown(figure.value, unit), "",
               figure.note]  # fmt: skip


FIGURES = imports.Kind(
    key="assessment_figures",
    label=_l("Counties' assessment: the figures the bureau enters"),
    sheet="区县考核手工指标",
    columns=[
        Column("年度", "year", "int", required=True, width=8, key=True),
        Column("区县", "county", "choice", required=True, width=12, key=True, choices=_counties),
        Column("指标", "item", "choice", required=True, width=30, key=True, choices=_manual_labels),
        Column("数值", "value", required=True, width=10, note="比例写百分数，如 95%；人数等写数字"),
        Column(
            "证明材料",
            "evidence",
            width=28,
            note="与本表一起上传的 .zip 中的文件名（PDF 或图片）；已有证明材料时可留空",
        ),
        Column("备注", "note", width=30),
    ],  # fmt: skip
    plan=_plan,
    may_import=is_city,
    example=[today().year - 1, "鹿城区", "办学条件达标", "100%", "鹿城区办学条件.pdf", ""],
    export=_export,
    done_url=lambda _school: url_for("assessment.index"),
    attachments=_l(
        "The documents the sheet's 证明材料 column names, in one .zip (PDF, JPEG "
        "or PNG, at most 10 MB each)."
    ),
    order=90,
)

"""Published results for everyone, without signing in."""

from __future__ import annotations

from flask import abort, render_template
from sqlalchemy import select

from core.extensions import db
from core.models import County, School

from .. import stats
from ..labels import mask
from ..models import Competition, CompetitionStatus
from ..results_sheet import entries_of
from . import bp


def public_people(entry, masked: bool) -> list[str]:  # type: ignore[no-untyped-def]
    return [mask(p.name) if (masked and p.student_id) else p.name for p in entry.members]


@bp.get("/results/<int:competition_id>")
def public_results(competition_id: int):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    if competition.status != CompetitionStatus.PUBLISHED:
        abort(404)
    order = {award: n for n, award in enumerate(competition.awards)}
    awarded = sorted(
        (e for e in entries_of(competition) if e.award),
        key=lambda e: (order.get(e.award, 99), e.rank or 10**6, e.id),
    )
    schools = {s.id: s for s in db.session.scalars(select(School))}
    counties = {c.id: c for c in db.session.scalars(select(County))}
    return render_template(
        "competitions/public.html",
        competition=competition,
        entries=awarded,
        schools=schools,
        counties=counties,
        by_school=stats.medal_table(competition, "school"),
        by_county=stats.medal_table(competition, "county"),
        people=lambda e: public_people(e, competition.mask_student_names),
    )

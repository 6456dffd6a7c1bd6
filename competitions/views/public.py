"""Published results for everyone, without signing in.

Anyone can open this page, so it must cost the same for a 13,000-entry competition as for a small
one: one page of awarded entries at a time (filterable by event, school and award), the medal
tables summed in SQL once per revision (their leaders beside the results, the whole table in pages
of its own), and a conditional answer (ETag / Last-Modified, 304) per published revision
so a reload of unchanged results renders nothing."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from flask import abort, make_response, render_template, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from core import org
from core.db import ListPagination, among, paginate
from core.extensions import db
from core.models import County, School

from .. import stats
from ..labels import mask
from ..models import Competition, CompetitionStatus, Entry, EntryPerson, Event, ResultRevision
from .blueprint import bp

PER_PAGE = 50
# The medal tables beside the results show their leaders; the whole table has pages of its own
# (a province's competition is ranked over thousands of schools).
MEDAL_ROWS = 20
MEDALS_PER_PAGE = 100
# Beyond a menu's worth of schools (`org.SCHOOL_MENU`), a school is chosen from the medal table
# (each name opens its results).
SCHOOL_MENU = org.SCHOOL_MENU
MEDAL_GROUPS = {"school": School, "county": County}


def public_people(entry, masked: bool) -> list[str]:  # type: ignore[no-untyped-def]
    return [mask(p.name) if (masked and p.student_id) else p.name for p in entry.members]


def _last_change(competition: Competition) -> datetime:
    """When the published results last changed: publication, or the latest correction since."""
    revised = db.session.scalar(
        select(func.max(ResultRevision.at))
        .join(Entry, ResultRevision.entry_id == Entry.id)
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id)
    )
    published = competition.published_at or competition.created_at
    if isinstance(revised, str):  # SQLite returns the aggregate as text
        revised = datetime.fromisoformat(revised)
    return max(published, revised) if revised else published


def _choice(name: str, allowed: set) -> object | None:  # type: ignore[type-arg]
    value = request.args.get(name, type=int if name != "award" else str)
    return value if value in allowed else None


@bp.get("/results/<int:competition_id>")
def public_results(competition_id: int):  # type: ignore[no-untyped-def]
    competition = db.get_or_404(Competition, competition_id)
    if competition.status != CompetitionStatus.PUBLISHED:
        abort(404)
    changed = _last_change(competition)
    reader = current_user.get_id() if current_user.is_authenticated else ""
    # The page differs by revision, query, language and (for the header) who reads it.
    tag = hashlib.sha256(
        f"{competition.id}|{changed.isoformat()}|{request.query_string.decode()}|"
        f"{get_locale()}|{reader}".encode()
    ).hexdigest()[:32]
    if request.if_none_match.contains(tag) or (
        not request.if_none_match
        and request.if_modified_since
        and request.if_modified_since.replace(tzinfo=None) >= changed.replace(microsecond=0)
    ):
        response = make_response("", 304)
    elif reader or session.get("_flashes"):
        response = make_response(_render(competition, changed))
    else:
        response = make_response(_anonymous_page(tag, competition, changed))
    response.set_etag(tag)
    response.last_modified = changed.replace(microsecond=0)
    response.headers["Vary"] = "Accept-Language, Cookie"
    response.cache_control.no_cache = True  # revalidate each time: a correction shows at once
    response.cache_control.public = not reader
    response.cache_control.private = bool(reader)
    return response


_pages: OrderedDict[str, str] = OrderedDict()  # tag → page, per worker process
_pages_lock = threading.Lock()
PAGES_KEPT = 256
CSRF_MARK = "\x00csrf\x00"


def _kept(store: OrderedDict[Any, Any], key: Any, limit: int, compute: Callable[[], Any]) -> Any:
    """`compute()` kept in `store` under `key` in this process, the `limit` last used."""
    with _pages_lock:
        value = store.get(key)
        if value is not None:
            store.move_to_end(key)
    if value is None:
        value = compute()
        with _pages_lock:
            store[key] = value
            while len(store) > limit:
                store.popitem(last=False)
    return value


def _anonymous_page(tag: str, competition: Competition, changed: datetime) -> str:
    """The page for readers who are not signed in, rendered once per tag (revision, query and
    language) and kept; only the language form's CSRF token is the reader's own."""
    page = _kept(
        _pages, tag, PAGES_KEPT,
        lambda: _render(competition, changed).replace(generate_csrf(), CSRF_MARK),
    )  # fmt: skip
    return page.replace(CSRF_MARK, generate_csrf())


_medals: OrderedDict[tuple[int, datetime, str], list[tuple[int, dict[str, int]]]] = OrderedDict()
MEDALS_KEPT = 32


def _medal_table(competition: Competition, by: str, changed: datetime) -> list[Any]:
    """`stats.medal_table`, summed once per published revision in this process: every page and
    filter of the results shows it, and over a nation's entries it is a quarter of a second."""
    return _kept(
        _medals, (competition.id, changed, by), MEDALS_KEPT,
        lambda: stats.medal_table(competition, by),
    )  # fmt: skip


def _named(model: Any, ids: Collection[int]) -> dict[int, Any]:
    return {row.id: row for row in db.session.scalars(select(model).where(among(model.id, ids)))}


def _render(competition: Competition, changed: datetime) -> str:
    events = {e.id: e for e in competition.events}
    by_school = _medal_table(competition, "school", changed)
    by_county = _medal_table(competition, "county", changed)
    school_ids = {key for key, _counts in by_school}
    menu = len(school_ids) <= SCHOOL_MENU
    event_id = _choice("event", set(events))
    school_id = _choice("school", school_ids)
    award = _choice("award", set(competition.awards))
    order = case({a: n for n, a in enumerate(competition.awards)}, value=Entry.award, else_=99)
    query = (
        select(Entry)
        .join(Event, Entry.event_id == Event.id)
        .where(Event.competition_id == competition.id, Entry.award.is_not(None))
        .options(
            selectinload(Entry.people).selectinload(EntryPerson.teacher),
            selectinload(Entry.people).selectinload(EntryPerson.student),
        )
        .order_by(Event.id, order, Entry.rank.is_(None), Entry.rank, Entry.id)
    )
    if event_id:
        query = query.where(Entry.event_id == event_id)
    if school_id:
        query = query.where(Entry.school_id == school_id)
    if award:
        query = query.where(Entry.award == award)
    pagination = paginate(
        query, page=request.args.get("page", 1, type=int), per_page=PER_PAGE, error_out=False
    )
    # Names for what the page shows: the menu (or the chosen school), the leaders, the entries.
    named = set(school_ids) if menu else {key for key, _counts in by_school[:MEDAL_ROWS]}
    named |= {e.school_id for e in pagination.items} | ({school_id} if school_id else set())
    return render_template(
        "competitions/public.html",
        competition=competition,
        events=events,
        pagination=pagination,
        schools=_named(School, named),
        counties=_named(County, {key for key, _counts in by_county[:MEDAL_ROWS]}),
        menu=menu,
        chosen={"event": event_id, "school": school_id, "award": award},
        by_school=by_school,
        by_county=by_county,
        medal_rows=MEDAL_ROWS,
        people=lambda e: public_people(e, competition.mask_student_names),
    )


@bp.get("/results/<int:competition_id>/medals/<by>")
def public_medals(competition_id: int, by: str):  # type: ignore[no-untyped-def]
    """The whole medal table by school or county, in pages, searchable by name."""
    competition = db.get_or_404(Competition, competition_id)
    if competition.status != CompetitionStatus.PUBLISHED or by not in MEDAL_GROUPS:
        abort(404)
    model = MEDAL_GROUPS[by]
    rows = [
        (place, key, counts)
        for place, (key, counts) in enumerate(
            _medal_table(competition, by, _last_change(competition)), 1
        )
    ]
    search = (request.args.get("q") or "").strip()[:50]
    if search:
        found = set(
            db.session.scalars(select(model.id).where(model.name.contains(search, autoescape=True)))
        )
        rows = [row for row in rows if row[1] in found]
    last = max(1, -(-len(rows) // MEDALS_PER_PAGE))  # a page past the end shows the last one
    page = min(max(request.args.get("page", 1, type=int), 1), last)
    pagination = ListPagination(rows, page, MEDALS_PER_PAGE)
    return render_template(
        "competitions/public_medals.html",
        competition=competition,
        by=by,
        pagination=pagination,
        names=_named(model, [key for _place, key, _counts in pagination.items]),
        search=search,
    )

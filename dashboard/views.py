"""Dashboard pages: the board of a scope and period, the list behind each number, Excel of every
table, and the PDF report (made in the background)."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from core.errors import ValidationFailed
from core.excel import download
from core.extensions import db
from core.models import County, Role
from core.permissions import roles_required
from core.rules import get_rule

from . import charts, exports, periods, plans, report, snapshots
from .assessment import services as assessment_services
from .board import HEADLINE, STATUS_CLASSES, Board, build, shown
from .drill import DRILLS, page_items
from .indicators import BY_KEY, CAP, KEYS, RATIO
from .kept import remembered
from .scopes import DASHBOARD_ROLES

bp = Blueprint("dashboard", __name__, template_folder="templates")
PER_PAGE = 25


def _board() -> Board:
    return build(current_user, request.args.get("scope"), request.args.get("period"))


@bp.get("/dashboard")
@roles_required(*DASHBOARD_ROLES)
def index():  # type: ignore[no-untyped-def]
    board = _board()
    sort = request.args.get("sort", "")
    children = board.children
    if sort in KEYS:
        children = sorted(children, key=lambda c: c[1][sort].value)
    # A province's hundreds of counties (or a county's many schools) a page at a time; every
    # row is in the Excel, and sorting by a figure brings who is furthest behind to page 1.
    rows = ChildPage(children, request.args.get("page", 1, type=int))
    ids = None if board.scope.kind == "city" else list(board.scope.school_ids)
    trends = snapshots.trend(board.scope.key, KEYS, ids)
    return render_template(
        "dashboard/index.html",
        board=board,
        children=rows.items,
        children_page=rows,
        bars={
            k: charts.furthest_behind([(c.name, figs[k]) for c, figs in board.children])
            for k in KEYS
        },  # fmt: skip
        sort=sort,
        keys=KEYS,
        headline=HEADLINE,
        trends=trends,
        gaps=_gaps(board) if board.scope.kind == "school" else None,
        periods=periods.choices(),
        charts=charts,
        shown=shown,
        percent_kinds=(RATIO, CAP),
        status_labels=board.status_labels,
        status_classes=STATUS_CLASSES,
        drills=DRILLS,
        drill_links={key: url_for("dashboard.drill", key=key) for key in KEYS},
        column_labels={key: str(BY_KEY[key].label) for key in KEYS},
        overdue=_overdue(board),
    )


class ChildPage:
    """A page of the counties or schools below the cards (the pager macro's interface)."""

    per_page = 50
    capped = False

    def __init__(self, children: list, page: int) -> None:  # type: ignore[type-arg]
        self.total = len(children)
        self.pages = max(1, math.ceil(self.total / self.per_page))
        self.page = min(max(1, page), self.pages)
        start = (self.page - 1) * self.per_page
        self.items = children[start : start + self.per_page]
        self.has_prev, self.has_next = self.page > 1, self.page < self.pages
        self.prev_num, self.next_num = self.page - 1, self.page + 1


def _overdue(board: Board) -> list:  # type: ignore[type-arg]
    """Interview commitments past their day: the city's board shows every county's, a county's
    board its own (article 二十's 约谈 followed up where the bureau looks)."""
    if board.scope.kind == "city":
        return assessment_services.overdue()
    if board.scope.kind == "county":
        county = db.session.scalar(select(County.id).where(County.code == board.scope.code))
        return assessment_services.overdue(county) if county is not None else []
    return []


def _gaps(board: Board) -> dict[str, int]:
    """The gap in people for a school (or any scope): teachers still to recognise to reach the
    dual-qualified target, and professional teachers short of the practice days the national
    rule asks in its window (not the title-review list: that counts who applies this year)."""
    ratio = board.figures["dual_qualified_ratio"]
    needed = 0
    if ratio.target is not None and ratio.denominator:
        needed = max(0, math.ceil(Decimal(ratio.denominator) * ratio.target) - ratio.numerator)
    period, ids = board.period, board.scope.school_ids

    def count_short() -> int:
        query = DRILLS["practice_short"].query(period, ids)
        return db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))

    # A ledger over every teacher of the school: shared like the indicators it stands beside.
    short = remembered(
        ("practice_short", period.key, period.at, ids),
        count_short,
        schools=ids,
        reads={"Placement", "Teacher"},
    )
    return {
        "dual_needed": needed,
        "dual_target": ratio.target is not None,
        "practice_short": short,
        "practice_days": get_rule("practice_days_required", period.at),
        "practice_years": get_rule("practice_window_years", period.at),
    }


@bp.get("/dashboard/list/<key>")
@roles_required(*DASHBOARD_ROLES)
def drill(key: str):  # type: ignore[no-untyped-def]
    if key not in DRILLS:
        abort(404)
    board = _board()
    page = max(1, request.args.get("page", 1, type=int))
    items, total = page_items(
        DRILLS[key],
        board.period,
        board.scope.school_ids,
        page,
        PER_PAGE,
        board.figures.get(DRILLS[key].figure or key),
    )
    return render_template(
        "dashboard/drill.html",
        board=board,
        key=key,
        drill=DRILLS[key],
        rows=DRILLS[key].rows(list(items), board.period),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / PER_PAGE)),
    )


@bp.get("/dashboard/table.xlsx")
@roles_required(*DASHBOARD_ROLES)
def table_excel():  # type: ignore[no-untyped-def]
    board = _board()
    return download(exports.board_workbook(board), exports.board_file_name(board))


@bp.get("/dashboard/list/<key>.xlsx")
@roles_required(*DASHBOARD_ROLES)
def drill_excel(key: str):  # type: ignore[no-untyped-def]
    if key not in DRILLS:
        abort(404)
    board = _board()
    query = DRILLS[key].query(board.period, board.scope.school_ids)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    if total > exports.INLINE_ROWS:
        task = exports.start_list_export(current_user, board, key, total)
        flash(
            _("The list is being prepared. You can leave this page; you will be notified."), "info"
        )
        return redirect(url_for("core.task_detail", task_id=task.id))
    return download(exports.list_workbook(board, key), exports.list_file_name(board, key))


@bp.post("/dashboard/report")
@roles_required(*DASHBOARD_ROLES)
def start_report():  # type: ignore[no-untyped-def]
    board = build(current_user, request.form.get("scope"), request.form.get("period"))
    task = report.start(current_user, board)
    flash(_("The report is being prepared. You can leave this page; you will be notified."), "info")
    return redirect(url_for("core.task_detail", task_id=task.id))


@bp.route("/dashboard/plans", methods=["GET", "POST"])
@roles_required(Role.ADMIN, Role.BUREAU)
def plans_page():  # type: ignore[no-untyped-def]
    """The plans, each with its board and its final report; the administrator enters the next."""
    if request.method == "POST":
        if current_user.role != Role.ADMIN:
            abort(403)
        try:
            plan = plans.add_plan(request.form, current_user)
        except ValidationFailed as err:
            page = _plans_page(request.form, err.fields)
            return render_template("dashboard/plans.html", **page), 400
        flash(_("The %(plan)s plan is entered: its years are measured against it from now on.",
                plan=plan.name.replace("-", "–")), "success")  # fmt: skip
        return redirect(url_for("dashboard.plans_page"))
    return render_template("dashboard/plans.html", **_plans_page(None))


def _plans_page(form: Any, errors: dict | None = None) -> dict:
    every = plans.plans()
    last = every[-1]
    span = last.end.year - last.start.year
    proposed = form or {
        "first_year": last.end.year + 1,
        "last_year": last.end.year + 1 + span,
        **{k: plans.shown_target(k, v) for k, v in last.targets.items()},
    }
    return {"plans": every, "indicators": plans.TARGETED, "proposed": proposed,
            "errors": errors or {}, "today": periods.today(), "RATIO": RATIO,
            "CAP": CAP}  # fmt: skip

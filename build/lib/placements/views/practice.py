"""The practice ledger of a teacher, the title-review list, and the enterprise lookup."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user
from openpyxl import Workbook
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from core.excel import download, write_header, write_rows
from core.extensions import db
from core.models import Role
from core.permissions import login_required, require, roles_required
from core.timeutil import today
from teachers.models import Teacher
from teachers.permissions import can_view as can_view_teacher

from .. import ledger, title_review
from ..models import Enterprise, Placement
from ..permissions import can_log_for
from .blueprint import bp


@bp.get("/teachers/<int:teacher_id>/practice")
@login_required
def practice(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.get_or_404(Teacher, teacher_id)
    require(can_view_teacher(current_user, teacher))
    placements = db.session.scalars(
        select(Placement)
        .options(joinedload(Placement.enterprise))
        .where(Placement.teacher_id == teacher.id)
        .order_by(Placement.start_date.desc())
    ).all()
    year = today().year
    return render_template(
        "placements/practice.html",
        teacher=teacher,
        summary=ledger.summary(teacher),
        placements=placements,
        can_log=can_log_for(current_user, teacher),
        year=year,
        declared=title_review.has_declared(teacher, year),
        can_declare=title_review.can_declare(current_user, teacher),
    )


@bp.post("/teachers/<int:teacher_id>/title-review")
@login_required
def declare(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = db.get_or_404(Teacher, teacher_id)
    year = today().year
    if request.form.get("intends") == "1":
        title_review.declare(teacher, year, current_user)
        flash(
            _(
                "Recorded: %(name)s intends to apply for a title in %(year)d.",
                name=teacher.name,
                year=year,
            ),
            "success",
        )
    else:
        title_review.withdraw(teacher, year, current_user)
        flash(_("Removed from this year's title-review list."), "success")
    return redirect(
        request.form.get("back") == "list"
        and url_for("placements.title_review_list")
        or url_for("placements.practice", teacher_id=teacher.id)
    )


def _rows(school_id: int, year: int):  # type: ignore[no-untyped-def]
    intending = title_review.intending(school_id, year)
    teachers = db.session.scalars(intending).all()
    found = ledger.summaries(intending)
    return [(t, found[t.id]) for t in teachers]


@bp.get("/title-review")
@roles_required(Role.SCHOOL_HR)
def title_review_list():  # type: ignore[no-untyped-def]
    year = today().year
    q = (request.args.get("q") or "").strip()
    candidates = []
    if q:
        candidates = db.session.scalars(
            select(Teacher)
            .where(
                Teacher.school_id == current_user.school_id,
                Teacher.status == "active",
                or_(Teacher.name.contains(q), Teacher.staff_no.contains(q)),
            )
            .order_by(Teacher.staff_no)
            .limit(20)
        ).all()
    return render_template(
        "placements/title_review.html",
        rows=_rows(current_user.school_id, year),
        short=title_review.count(title_review.short_of_practice(current_user.school_id, today())),
        year=year,
        q=q,
        candidates=candidates,
    )


@bp.get("/title-review.xlsx")
@roles_required(Role.SCHOOL_HR)
def title_review_export():  # type: ignore[no-untyped-def]
    year = today().year
    wb = Workbook()
    sheet = wb.active
    sheet.title = f"{year}年职称评审"
    write_header(
        sheet,
        [
            "工号",
            "姓名",
            "系部/专业",
            "窗口内企业实践天数",
            "要求天数",
            "是否达标",
            "差额天数",
            "统计窗口起",
            "统计窗口止",
        ],
        [12, 10, 16, 18, 10, 10, 10, 12, 12],
    )
    with force_locale("zh_Hans_CN"):
        write_rows(
            sheet,
            (
                [
                    t.staff_no,
                    t.name,
                    t.department,
                    float(s.days_in_window),
                    s.required_days,
                    "是" if s.meets_requirement else "否",
                    float(s.shortfall),
                    s.window.start,
                    s.window.end,
                ]
                for t, s in _rows(current_user.school_id, year)
            ),
        )
    return download(wb, f"{year}年职称评审企业实践核查.xlsx")


@bp.get("/enterprises/search")
@login_required
def enterprise_search():  # type: ignore[no-untyped-def]
    """Suggestions for the placement form: enterprises whose name or code contains `q`."""
    q = (request.args.get("q") or "").strip()
    if len(q) < 2:
        return jsonify([])
    found = db.session.scalars(
        select(Enterprise)
        .where(or_(Enterprise.name.contains(q), Enterprise.credit_code.startswith(q.upper())))
        .order_by(Enterprise.name)
        .limit(10)
    )
    return jsonify(
        [{"name": e.name, "credit_code": e.credit_code, "industry": e.industry} for e in found]
    )

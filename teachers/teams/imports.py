"""Innovation teams and overseas visits a school already has, as import kinds.

- `teams`: one row per team (known by school + name): its level, where its building stands
  (立项, 建设中, 已验收, 未通过验收), the leader and members by staff number.
- `overseas`: one row per teacher's completed visit (known by staff number + country + departure
  date); the visits of one group (theme, country, departure) become one batch, as when the bureau
  organises it, and count as returned with their report.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from core import imports
from core.extensions import db
from core.imports import Column, Context, Planned, Row
from core.models import School, User
from core.permissions import school_scope
from core.timeutil import utcnow

from ..models import Teacher
from ..services import find_teacher
from .forms import LEVELS
from .models import (
    InnovationTeam,
    Nomination,
    NominationStatus,
    OverseasBatch,
    TeamMember,
    TeamStatus,
)

# The states a team of the past can be in (the others are steps of an application under way).
PAST_STATUS = {"已立项": TeamStatus.APPROVED, "建设中": TeamStatus.BUILDING,
               "已验收": TeamStatus.ACCEPTED, "未通过验收": TeamStatus.FAILED}  # fmt: skip


def _teachers(ctx: Context, row: Row, column: str) -> list[Teacher] | None:
    assert ctx.school is not None
    found, missing = [], []
    for number in imports.listed(row[column]):
        teacher = find_teacher(ctx.school, number)
        (found if teacher else missing).append(teacher or number)
    if missing:
        ctx.error(row, column, _("No teacher of %(school)s has the staff number %(no)s.",
                                 school=ctx.school.name, no="、".join(missing)))  # fmt: skip
        return None
    return found


def _team_plan(rows: list[Row], ctx: Context) -> list[Planned]:
    school = ctx.school
    assert school is not None
    planned = []
    for row in rows:
        leader = _teachers(ctx, row, "leader")
        members = _teachers(ctx, row, "members")
        backbone = _teachers(ctx, row, "backbone")
        if leader is None or members is None or backbone is None:
            continue
        if len(leader) != 1:
            ctx.error(row, "leader", _("Give one staff number."))
            continue
        if not imports.not_future(ctx, row, "building_start"):
            continue
        start, end = row["building_start"], row.values.get("building_end")
        if end is not None and end <= start:
            ctx.error(row, "building_end", _("The building ends before it starts."))
            continue
        people = {t.id: t for t in [leader[0], *members, *backbone]}
        values = {"field": row["field"], "level": row["level"], "level_sought": row["level"],
                  "status": PAST_STATUS[row["status"]], "project_no": row.values.get("project_no")
                  or "", "building_start": start, "building_end": end,
                  "leader_id": leader[0].id}  # fmt: skip
        strong = {t.id for t in backbone} | {leader[0].id}  # the leader is a backbone member
        existing = db.session.scalar(
            select(InnovationTeam).where(
                InnovationTeam.school_id == school.id, InnovationTeam.name == row["name"]
            )
        )
        if existing is not None and imports.provenance(existing) is None:
            ctx.error(row, "name", _("This team was applied for in Shuangshi: it is not changed "
                                     "by import."))  # fmt: skip
            continue
        if existing is None:
            write = _write_team(school, row["name"], values, people, strong)
            planned.append(Planned(row.number, imports.CREATE, write))
            continue
        changes = _team_changes(existing, values, people, strong)
        if not changes:
            planned.append(Planned(row.number, imports.UNCHANGED))
        else:
            planned.append(Planned(row.number, imports.UPDATE,
                                   _write_team(school, row["name"], values, people, strong,
                                               existing), changes))  # fmt: skip
    return planned


def _team_changes(existing: InnovationTeam, values: dict[str, Any], people: dict[int, Teacher],
                  strong: set[int]) -> dict[str, tuple[Any, Any]]:  # fmt: skip
    """What the row changes, as the sheet's columns read it (状态 in its words, people by 工号)."""
    changes = imports.changed(existing, values)
    sheet_status = {status.value: label for label, status in PAST_STATUS.items()}
    if "status" in changes:
        old, new = changes["status"]
        changes["status"] = (sheet_status.get(getattr(old, "value", old), old),
                             sheet_status.get(getattr(new, "value", new), new))  # fmt: skip
    if "leader_id" in changes:
        changes["leader"] = (existing.leader.staff_no if existing.leader else None,
                             people[values["leader_id"]].staff_no)  # fmt: skip
    current = {(m.teacher_id, m.backbone) for m in existing.members if m.teacher_id}
    if current != {(tid, tid in strong) for tid in people}:
        now = {m.teacher_id: m.teacher.staff_no for m in existing.members if m.teacher_id}
        changes["members"] = (sorted(now.values()), sorted(t.staff_no for t in people.values()))
        changes["backbone"] = (sorted(now[m.teacher_id] for m in existing.members
                                      if m.teacher_id and m.backbone),
                               sorted(people[tid].staff_no for tid in strong))  # fmt: skip
        if changes["backbone"][0] == changes["backbone"][1]:
            del changes["backbone"]
    return changes


def _write_team(school: School, name: str, values: dict[str, Any], people: dict[int, Teacher],
                strong: set[int], existing: InnovationTeam | None = None) -> Any:  # fmt: skip
    def write(ctx: Context) -> None:
        team = existing or InnovationTeam(school_id=school.id, name=name, created_by_id=ctx.by.id,
                                          decided_by_id=ctx.by.id)  # fmt: skip
        for key, value in values.items():
            setattr(team, key, value)
        team.decision_note = _("Imported historical record")
        if existing is None:
            ctx.created(team)
        keep = {m.teacher_id: m for m in team.members if m.teacher_id}
        for teacher_id in set(keep) - set(people):
            team.members.remove(keep[teacher_id])
        for teacher_id in people:
            member = keep.get(teacher_id) or TeamMember(teacher_id=teacher_id, kind="teacher")
            member.backbone = teacher_id in strong
            if teacher_id not in keep:
                team.members.append(member)
        if existing is not None:
            ctx.updated(team)
        db.session.flush()

    return write


def _team_export(user: User, school: School | None) -> Iterable[list[Any]]:
    levels = {c: label for label, c in imports.zh_labels(LEVELS).items()}
    states = {code: label for label, code in PAST_STATUS.items()}
    query = select(InnovationTeam).where(
        InnovationTeam.status.in_(list(PAST_STATUS.values())),
        school_scope(user, InnovationTeam.school_id),
    )
    if school is not None:
        query = query.where(InnovationTeam.school_id == school.id)
    for t in db.session.scalars(query.order_by(InnovationTeam.name)):
        members = [m for m in t.members if m.teacher and m.teacher_id != t.leader_id]
        yield [t.name, t.field, levels.get(t.level or "", ""), states.get(t.status, ""),
               t.project_no, t.building_start, t.building_end, t.leader.staff_no,
               "、".join(m.teacher.staff_no for m in members if not m.backbone),
               "、".join(m.teacher.staff_no for m in members if m.backbone)]  # fmt: skip


TEAMS = imports.Kind(
    key="teams",
    label=_l("Innovation teams"),
    sheet="创新团队",
    columns=[
        Column("团队名称", "name", required=True, width=24, key=True),
        Column("专业(群)", "field", required=True, width=16),
        Column(
            "级别",
            "level",
            "choice",
            required=True,
            width=10,
            choices=lambda: imports.zh_labels(LEVELS),
        ),
        Column(
            "状态",
            "status",
            "choice",
            required=True,
            width=12,
            choices=lambda: {k: k for k in PAST_STATUS},
        ),
        Column("立项编号", "project_no", width=16),
        Column("建设开始", "building_start", "date", required=True, width=12),
        Column("建设结束", "building_end", "date", width=12),
        Column("负责人工号", "leader", required=True, width=12),
        Column("成员工号", "members", width=30, note="多个工号用顿号或逗号分隔"),
        Column("骨干教师工号", "backbone", width=20, note="多个工号用顿号或逗号分隔"),
    ],  # fmt: skip
    plan=_team_plan,
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=[
        "智能制造教师创新团队",
        "智能制造专业群",
        "市级",
        "建设中",
        "WZTD2023-05",
        "2023-09-01",
        "2026-08-31",
        "T2024001",
        "T2024002、T2024003",
        "T2024004",
    ],  # fmt: skip
    export=_team_export,
    order=60,
)


# --- overseas visits ----------------------------------------------------------------------------


def _overseas_plan(rows: list[Row], ctx: Context) -> list[Planned]:
    planned = []
    for row in rows:
        teacher = _teachers(ctx, row, "staff_no")
        if not teacher:
            continue
        if not imports.not_future(ctx, row, "start_date", "end_date"):
            continue
        if row["end_date"] < row["start_date"]:
            ctx.error(row, "end_date", _("The end date is before the start date."))
            continue
        existing = db.session.scalar(
            select(Nomination)
            .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
            .where(
                Nomination.teacher_id == teacher[0].id,
                OverseasBatch.country == row["country"],
                OverseasBatch.start_date == row["start_date"],
            )
        )
        summary = row.values.get("report_summary") or ""
        if existing is not None:
            batch = existing.batch
            now = SimpleNamespace(theme=batch.theme, end_date=batch.end_date,
                                  report_summary=existing.report_summary)  # fmt: skip
            changes = imports.changed(now, {"theme": row["theme"], "end_date": row["end_date"],
                                            "report_summary": summary})  # fmt: skip
            if not changes:
                planned.append(Planned(row.number, imports.UNCHANGED))
                continue
            planned.append(Planned(row.number, imports.UPDATE,
                                   _update_visit(existing, row, summary), changes))  # fmt: skip
            continue
        planned.append(Planned(row.number, imports.CREATE, _create_visit(teacher[0], row, summary)))
    return planned


def _batch(ctx: Context, row: Row) -> OverseasBatch:
    """The group a visit belongs to (theme, country, departure), made once per import."""
    batch = db.session.scalar(
        select(OverseasBatch).where(
            OverseasBatch.school_id == ctx.school.id,  # type: ignore[union-attr]
            OverseasBatch.theme == row["theme"],
            OverseasBatch.country == row["country"],
            OverseasBatch.start_date == row["start_date"],
        )
    )
    if batch is None:
        batch = ctx.created(
            OverseasBatch(
                theme=row["theme"], country=row["country"], hosts=row.values.get("hosts") or "",
                start_date=row["start_date"], end_date=row["end_date"], capacity=0,
                funding_source=row.values.get("funding_source") or "",
                school_id=ctx.school.id, created_by_id=ctx.by.id,  # type: ignore[union-attr]
            )
        )  # fmt: skip
        db.session.flush()  # its id, for the visits
    return batch


def _create_visit(teacher: Teacher, row: Row, summary: str) -> Any:
    def write(ctx: Context) -> Nomination:
        batch = _batch(ctx, row)
        batch.capacity += 1
        return ctx.created(
            Nomination(batch_id=batch.id, teacher_id=teacher.id,
                       status=NominationStatus.REPORTED, nominated_by_id=ctx.by.id,
                       decided_by_id=ctx.by.id, report_summary=summary,
                       reported_at=utcnow()),
            school_id=teacher.school_id,
        )  # fmt: skip

    return write


def _update_visit(nomination: Nomination, row: Row, summary: str) -> Any:
    def write(ctx: Context) -> None:
        nomination.batch.theme, nomination.batch.end_date = row["theme"], row["end_date"]
        nomination.report_summary = summary
        ctx.updated(nomination.batch)
        ctx.updated(nomination)

    return write


def _overseas_export(user: User, school: School | None) -> Iterable[list[Any]]:
    query = (
        select(Nomination, OverseasBatch, Teacher)
        .join(OverseasBatch, Nomination.batch_id == OverseasBatch.id)
        .join(Teacher, Nomination.teacher_id == Teacher.id)
        .where(Nomination.status == NominationStatus.REPORTED,
               school_scope(user, Teacher.school_id))
        .order_by(OverseasBatch.start_date, Teacher.staff_no)
    )  # fmt: skip
    if school is not None:
        query = query.where(Teacher.school_id == school.id)
    for n, b, t in db.session.execute(query):
        yield [t.staff_no, t.name, b.country, b.theme, b.hosts, b.start_date, b.end_date,
               b.funding_source, n.report_summary]  # fmt: skip


OVERSEAS = imports.Kind(
    key="overseas",
    label=_l("Overseas study visits (completed)"),
    sheet="境外研修",
    columns=[
        Column("工号", "staff_no", required=True, width=12, key=True),
        Column("姓名", "name", width=10),
        Column("出访国家", "country", required=True, width=12, key=True),
        Column("研修主题", "theme", required=True, width=24),
        Column("接待机构", "hosts", width=24),
        Column("出发日期", "start_date", "date", required=True, width=12, key=True),
        Column("返回日期", "end_date", "date", required=True, width=12),
        Column("经费来源", "funding_source", width=14),
        Column("研修报告摘要", "report_summary", width=30),
    ],
    plan=_overseas_plan,
    may_import=imports.records_keeper,
    schools=imports.schools_in_scope,
    example=[
        "T2024001",
        "张晓明",
        "德国",
        "双元制职业教育研修",
        "德国手工业协会",
        "2024-10-08",
        "2024-10-28",
        "市财政",
        "学习双元制课程开发",
    ],  # fmt: skip
    export=_overseas_export,
    order=70,
)

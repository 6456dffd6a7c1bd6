"""The teacher development record (个人发展档案): everything Shuangshi holds about a teacher's
development, as it exists, gathered for the PDF."""

from __future__ import annotations

from flask_babel import force_locale
from sqlalchemy import select

from competitions.labels import AWARD
from competitions.models import Competition, Entry, EntryPerson, Event
from core.extensions import db
from placements.ledger import summary
from placements.models import Placement
from teachers.labels import EDUCATION, SKILL_LEVEL, TITLE
from teachers.literacy import services as literacy_services
from teachers.literacy.labels import DIMENSION as LITERACY
from teachers.literacy.models import DIMENSIONS
from teachers.models import SkillCertificate, Teacher
from teachers.teams.forms import NOMINATION_STATUS
from teachers.teams.models import Nomination, TeamMember

from .labels import KIND, STATUS, TIER
from .models import Recognition


def sections(teacher: Teacher) -> dict[str, list[list[str]]]:
    """The record's tables, in Chinese whatever the reader's language (it is a filed document)."""
    with force_locale("zh_Hans_CN"):
        return _sections(teacher)


def _label(labels: dict, value: object) -> str:
    return str(labels[value]) if value in labels else ("" if value is None else "—")


def _sections(teacher: Teacher) -> dict[str, list[list[str]]]:
    practice = summary(teacher)
    certificates = db.session.scalars(
        select(SkillCertificate).where(SkillCertificate.teacher_id == teacher.id)
    )
    placements = db.session.scalars(
        select(Placement)
        .where(Placement.teacher_id == teacher.id, Placement.status == "approved")
        .order_by(Placement.start_date)
    )
    awards = db.session.execute(
        select(Competition.year, Competition.name, Event.name, Entry.award, EntryPerson.role)
        .join(Event, Event.competition_id == Competition.id)
        .join(Entry, Entry.event_id == Event.id)
        .join(EntryPerson, EntryPerson.entry_id == Entry.id)
        .where(
            EntryPerson.teacher_id == teacher.id,
            Entry.award.is_not(None),
            Competition.status == "published",
        )
    )
    recognitions = db.session.scalars(
        select(Recognition).where(Recognition.teacher_id == teacher.id)
    )
    teams = db.session.scalars(select(TeamMember).where(TeamMember.teacher_id == teacher.id))
    visits = db.session.scalars(select(Nomination).where(Nomination.teacher_id == teacher.id))
    literacy = literacy_services.history(teacher)
    return {
        "基本信息": [
            ["职称", "最高学历", "企业工作经历", "教师资格证书"],
            [
                _label(TITLE, teacher.title),
                _label(EDUCATION, teacher.education),
                f"{teacher.enterprise_months} 个月",
                teacher.qualification_cert_no or "—",
            ],
        ],
        "证书": [["证书", "等级", "发证日期"]]
        + [[c.name, _label(SKILL_LEVEL, c.level), str(c.issued_on or "")] for c in certificates],
        "企业实践台账": [["企业", "岗位", "起止", "天数"]]
        + [
            [p.enterprise.name, p.post, f"{p.start_date}–{p.end_date}", str(p.days)]
            for p in placements
        ]
        + [
            [
                "近 5 年合计",
                "",
                f"{practice.window.start}–{practice.window.end}",
                f"{practice.days_in_window} / {practice.required_days}",
            ]
        ],
        "获奖": [["年份", "比赛", "赛项", "奖项"]]
        + [
            [str(y), c, e, str(AWARD.get(a, a)) + ("（指导教师）" if role == "instructor" else "")]
            for y, c, e, a, role in awards
        ],
        "认定": [["类别", "等级", "状态", "证书编号"]]
        + [
            [
                _label(KIND, r.kind),
                _label(TIER, r.tier),
                _label(STATUS, r.status),
                r.certificate_no or "",
            ]
            for r in recognitions
        ],  # fmt: skip
        "创新团队": [["团队", "骨干"]] + [[m.team.name, "是" if m.backbone else ""] for m in teams],
        "数字素养": [["测评", "各维度得分", "总分", "结果"]]
        + [
            [
                str(r.round) + ("" if r.current else "（已被补考替代）"),
                "、".join(f"{LITERACY[d]} {r.scores[d]}" for d in DIMENSIONS),
                str(r.total),
                "合格" if r.passed else "不合格",
            ]
            for r in literacy
        ],
        "境外研修": [["批次", "日期", "状态"]]
        + [
            [str(n.batch), str(n.batch.start_date), _label(NOMINATION_STATUS, n.status)]
            for n in visits
        ],
    }

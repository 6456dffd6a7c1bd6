"""Demo recognitions: the D-class cases the published national results created wait for the
bureau; dual-qualified applications in several states, one recognised."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from core import accounts
from core.demo import DemoContext
from core.extensions import db
from core.models import Role
from teachers.models import Teacher

from . import services
from .models import Recognition


def build(ctx: DemoContext) -> None:
    teacher_user, hr, bureau = ctx.users["teacher"], ctx.users["hr"], ctx.users["bureau"]
    me = teacher_user.teacher
    others = list(
        db.session.scalars(
            select(Teacher)
            .where(
                Teacher.school_id == me.school_id,
                Teacher.professional.is_(True),
                Teacher.user_id.is_(None),
            )
            .order_by(Teacher.id.desc())
            .limit(3)
        )
    )
    states = ["recognised", "school_passed", "applied"]
    for n, (teacher, state) in enumerate(zip(others, states, strict=False)):
        user = accounts.create_user(
            username=f"teacher{n + 2}",
            password="shuangshi2025",
            role=Role.TEACHER,
            school=teacher.school,
            link={"staff_no": teacher.staff_no},
            display_name=teacher.name,
        )
        # Demo teachers' records are thin: they explain the gap, as a real teacher would.
        note = "企业实践考核表和技能等级证书已交人事处纸质存档。"
        r = services.apply(teacher, "junior", user, note=note)
        if state == "applied":
            continue
        services.school_review(r, True, "", hr)
        if state == "recognised":
            services.confirm(r, bureau)
            r.notice_until = date.today() - timedelta(days=1)  # the notice period has run
            services.finalize(r, bureau)
    pending = db.session.scalar(select(Recognition.id).where(Recognition.kind == "d_class"))
    ctx.echo(
        f"recognitions: D-class cases pending for the bureau ({'yes' if pending else 'none'}); "
        f"dual-qualified in several states; {me.name} can apply"
    )

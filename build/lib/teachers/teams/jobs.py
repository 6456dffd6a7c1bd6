"""Daily: remind teachers 7 days before their overseas report is due; flag late reports."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.notifications import notify
from core.rules import get_rule
from core.timeutil import today

from .models import Nomination, NominationStatus, OverseasBatch


def overseas_reports() -> dict[str, int]:
    on = today()
    reminded = late = 0
    rows = db.session.scalars(
        select(Nomination)
        .join(OverseasBatch)
        .where(Nomination.status == NominationStatus.CONFIRMED, OverseasBatch.end_date < on)
    )
    for nomination in rows:
        batch = nomination.batch
        due = batch.end_date + timedelta(days=get_rule("overseas_report_days", batch.end_date))
        user_id = nomination.teacher.user_id
        if user_id is None:
            continue
        if on > due:
            notify(
                user_id,
                "overseas_report_late",
                key=f"overseas_late:{nomination.id}",
                link=f"/overseas/{batch.id}",
                batch=str(batch),
                due=due.isoformat(),
            )
            late += 1
        elif due - on <= timedelta(days=7):
            notify(
                user_id,
                "overseas_report_due",
                key=f"overseas_due:{nomination.id}",
                link=f"/overseas/{batch.id}",
                batch=str(batch),
                due=due.isoformat(),
            )
            reminded += 1
    return {"reminded": reminded, "late": late}

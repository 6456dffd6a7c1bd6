"""How the records of `competitions` read in the audit log: its actions, kinds, fields and values.
Apart from the labels, since it reads the forms' field labels and the forms read the labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import labels as core_labels

from .forms import CompetitionForm, EventForm, ResultForm
from .labels import AWARD, LEVEL, SCHEME, SERIES, STATUS


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    core_labels.register_actions(
        {
            "entry_registered": _l("registered"),
            "open": _l("opened the entries of"),
            "entry_withdrawn": _l("withdrew"),
            "event_added": _l("added an event to"),
            "entries_closed": _l("closed the entries of"),
            "result": _l("recorded the result of"),
            "result_corrected": _l("corrected the result of"),
        }
    )
    core_labels.register_kind(
        "Competition",
        _l("the competition"),
        endpoint="competitions.detail",
        arg="competition_id",
        forms=[CompetitionForm],
        fields={"event": _l("Event"), "published_at": _l("Published at")},
        values={"series": SERIES, "level": LEVEL, "status": STATUS, "scheme": SCHEME},
    )
    core_labels.register_kind(
        "Entry",
        _l("the entry"),
        forms=[EventForm, ResultForm],
        fields={
            "people": _l("Members"),
            "instructors": _l("Instructors"),
            "award": _l("Award"),
            "rank": _l("Rank"),
            "score": _l("Score"),
        },
        values={"award": AWARD},
    )

"""How the records of `placements` read in the audit log: its actions, kinds, fields and values.
Apart from the labels, since it reads the forms' field labels and the forms read the labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import labels as core_labels

from .forms import EnterpriseFields, JobForm, PlacementForm
from .labels import CONFIRMATION, EVIDENCE, FORM, JOB_STATUS, STATUS


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    core_labels.register_actions(
        {
            "mentor_link_created": _l("sent the mentor's confirmation link of"),
            "mentor_confirmed": _l("had the enterprise confirm"),
            "mentor_declined": _l("had the enterprise decline"),
            "confirmation_reset": _l("changed what the enterprise confirmed, asking it again, of"),
            "evidence_added": _l("added evidence to"),
            "evidence_removed": _l("removed evidence from"),
            "mentor_link_closed": _l("closed the mentor's link of"),
            "corrected": _l("corrected"),
            "title_review_declared": _l("declared the title-review intention of"),
            "title_review_withdrawn": _l("withdrew the title-review intention of"),
            "consented": _l("consented to"),
            "refused": _l("refused"),
            "withdrawn": _l("withdrew"),
        }
    )
    core_labels.register_kind(
        "Placement",
        _l("the enterprise practice"),
        endpoint="placements.detail",
        arg="placement_id",
        forms=[PlacementForm],
        fields={
            "form": _l("Form of practice"),
            "confirmation": _l("Enterprise confirmation"),
            "confirmed_days": _l("Days confirmed"),
            "confirmed_by": _l("Confirmed by"),
            "confirmed_at": _l("Confirmed at"),
            "decline_reason": _l("Why the enterprise declined"),
            "decision_note": _l("Decision note"),
            "kind": _l("Kind"),
        },
        values={"status": STATUS, "form": FORM, "confirmation": CONFIRMATION, "kind": EVIDENCE},
    )
    core_labels.register_kind(
        "Enterprise",
        _l("the enterprise"),
        forms=[EnterpriseFields],
        fields={"credit_code": _l("Unified social credit code"), "name": _l("Enterprise name")},
    )
    core_labels.register_kind(
        "EnterpriseJob",
        _l("the part-time job at an enterprise"),
        forms=[JobForm],
        fields={"decision_note": _l("Decision note")},
        values={"status": JOB_STATUS},
    )
    core_labels.register_kind("TitleReviewIntent", _l("the title-review intention"))

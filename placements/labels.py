"""Display labels (zh-CN through the catalog)."""

from flask_babel import lazy_gettext as _l

from .models import Confirmation, EvidenceKind, JobConsentStatus, PlacementStatus, PracticeForm

FORM = {
    PracticeForm.VISIT: _l("Visit and observation"),
    PracticeForm.TRAINING: _l("Enterprise skills training"),
    PracticeForm.POST: _l("Holding a production or management post"),
    PracticeForm.RND: _l("Joint R&D and technical innovation"),
    PracticeForm.OTHER: _l("Other"),
}
STATUS = {
    PlacementStatus.DRAFT: _l("Draft"),
    PlacementStatus.SUBMITTED: _l("Submitted"),
    PlacementStatus.RETURNED: _l("Returned for revision"),
    PlacementStatus.APPROVED: _l("Approved"),
    PlacementStatus.REJECTED: _l("Rejected"),
    PlacementStatus.WITHDRAWN: _l("Withdrawn"),
}
CONFIRMATION = {
    Confirmation.NONE: _l("Not yet confirmed by the enterprise"),
    Confirmation.MENTOR: _l("Confirmed by the enterprise mentor"),
    Confirmation.UPLOAD: _l("Confirmed with the enterprise's stamped assessment form"),
    Confirmation.DECLINED: _l("Declined by the enterprise"),
}
EVIDENCE = {
    EvidenceKind.AGREEMENT: _l("Practice agreement"),
    EvidenceKind.ATTENDANCE: _l("Attendance sheet"),
    EvidenceKind.ASSESSMENT: _l("Stamped assessment form"),
    EvidenceKind.OTHER: _l("Other evidence"),
}
JOB_STATUS = {
    JobConsentStatus.REQUESTED: _l("Awaiting the school's consent"),
    JobConsentStatus.CONSENTED: _l("Consented"),
    JobConsentStatus.REFUSED: _l("Refused"),
    JobConsentStatus.WITHDRAWN: _l("Withdrawn"),
}
LEDGER_STATUS = {
    "met": _l("Requirement met"),
    "on_track": _l("On track"),
    "behind": _l("Behind"),
}
ACTION = {
    "submit": _l("Submit"),
    "withdraw": _l("Withdraw"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "return": _l("Return for revision"),
}


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    from core import labels as core_labels

    from .forms import EnterpriseFields, JobForm, PlacementForm

    core_labels.register_actions(
        {
            "mentor_link_created": _l("sent the mentor's confirmation link of"),
            "mentor_confirmed": _l("had the enterprise confirm"),
            "mentor_declined": _l("had the enterprise decline"),
            "evidence_added": _l("added evidence to"),
            "corrected": _l("corrected"),
            "title_review_declared": _l("declared the title-review intention of"),
            "title_review_withdrawn": _l("withdrew the title-review intention of"),
            "consented": _l("consented to"),
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

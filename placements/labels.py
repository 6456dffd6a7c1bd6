"""Display labels (zh-CN through the catalog)."""

from flask_babel import lazy_gettext as _l

from .models import Confirmation, EvidenceKind, JobConsentStatus, PlacementStatus, PracticeForm

FORM = {
    PracticeForm.VISIT: _l("Visit and observation"),
    PracticeForm.TRAINING: _l("Enterprise skills training"),
    PracticeForm.POST: _l("Holding a production or management post"),
    PracticeForm.RND: _l("Joint R&D and technical innovation"),
    PracticeForm.OTHER: _l("Other"),
    PracticeForm.UNRECORDED: _l("Not recorded"),
}
# What a placement logged now may say (an old record's 未记录 is not a choice).
LOGGED_FORMS = {k: v for k, v in FORM.items() if k != PracticeForm.UNRECORDED}
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
    Confirmation.IMPORTED: _l("Imported historical record (confirmed in the school's own ledger)"),
}
EVIDENCE = {
    EvidenceKind.AGREEMENT: _l("Practice agreement"),
    EvidenceKind.ATTENDANCE: _l("Attendance sheet"),
    EvidenceKind.ASSESSMENT: _l("Stamped assessment form"),
    EvidenceKind.OTHER: _l("Other evidence"),
}
JOB_ACTION = {
    "consent": _l("Consent"),
    "refuse": _l("Refuse"),
    "withdraw": _l("Withdraw"),
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
    "mentor_declined": _l("Decline as the enterprise"),
    "mentor_confirmed": _l("Confirm as the enterprise"),
    "confirmed": _l("Confirm with the stamped assessment form"),
    "confirmation_reset": _l("Ask the enterprise to confirm again"),
}

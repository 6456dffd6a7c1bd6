"""Display labels of appointments."""

from flask_babel import lazy_gettext as _l

from .models import AppointmentStatus, Qualification

STATUS = {
    AppointmentStatus.DRAFT: _l("Draft"),
    AppointmentStatus.SUBMITTED: _l("Awaiting a second HR approver"),
    AppointmentStatus.PENDING_BUREAU: _l("Awaiting the bureau"),
    AppointmentStatus.APPROVED: _l("Approved"),
    AppointmentStatus.REJECTED: _l("Rejected"),
    AppointmentStatus.TERMINATED: _l("Terminated early"),
    AppointmentStatus.ENDED: _l("Ended"),
}
ACTION = {
    "submit": _l("Submit for approval"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "terminate": _l("Terminate early"),
}
QUALIFICATION = {
    Qualification.NONE: _l("No title or skill level"),
    Qualification.TITLE_JUNIOR: _l("Junior title"),
    Qualification.TITLE_INTERMEDIATE: _l("Intermediate title"),
    Qualification.TITLE_ASSOCIATE_SENIOR: _l("Associate senior title"),
    Qualification.TITLE_SENIOR: _l("Senior title"),
    Qualification.SKILL_5: _l("Skill level 5 (junior worker)"),
    Qualification.SKILL_4: _l("Skill level 4 (intermediate worker)"),
    Qualification.SKILL_3: _l("Skill level 3 (senior worker)"),
    Qualification.SKILL_2: _l("Skill level 2 (technician)"),
    Qualification.SKILL_1: _l("Skill level 1 (senior technician)"),
}

"""How the records of `teachers` read in the audit log: its actions, kinds, fields and values.
Apart from the labels, since it reads the forms' field labels and the forms read the labels."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import labels as core_labels

from .appointments.forms import AppointmentForm, PolicyForm
from .appointments.labels import QUALIFICATION
from .appointments.labels import STATUS as APPOINTMENT_STATUS
from .forms import CertificateForm, TeacherForm
from .labels import CERTIFICATE_KIND, EDUCATION, EMPLOYMENT, GENDER, SKILL_LEVEL, STATUS, TITLE
from .teams.forms import LEVELS, NOMINATION_STATUS, TEAM_STATUS, BatchForm, TeamForm


def register_audit_labels() -> None:
    """How this package's records, actions and values read in the audit log."""
    core_labels.register_actions(
        {
            "left": _l("recorded the departure of"),
            "reinstated": _l("reinstated"),
            "contact_updated": _l("updated the contact details of"),
            "teaching_hours": _l("recorded teaching hours of"),
            "title_review": _l("changed the title review of"),
            "terminate": _l("terminated"),
            "agreement_attached": _l("attached the agreement of"),
            "part_time_policy": _l("changed the part-time policy of"),
            "consented": _l("recorded the consent of"),
            "application_attached": _l("attached the application of"),
            "team_report": _l("submitted the annual report of"),
            "level_raised": _l("raised the level of"),
            "accept": _l("accepted"),
            "fail": _l("failed the acceptance of"),
            "start": _l("started building"),
            "apply": _l("applied for"),
            "nominated": _l("nominated a teacher for"),
            "select": _l("selected"),
            "decline": _l("did not select"),
            "confirm": _l("confirmed going on"),
            "reported": _l("received the report of"),
            "renewed": _l("renewed"),
            "ended": _l("ended"),
        }
    )
    core_labels.register_kind(
        "Teacher",
        _l("the teacher"),
        endpoint="teachers.profile",
        arg="teacher_id",
        forms=[TeacherForm],
        fields={
            "leave_date": _l("Leaving date"),
            "leave_reason": _l("Reason for leaving"),
            "enterprise_hours_*": _l("Enterprise teaching hours, term %(rest)s"),
            "school_hours_*": _l("School teaching hours, term %(rest)s"),
            "title_review": _l("Title review"),
        },
        values={
            "gender": GENDER, "employment": EMPLOYMENT, "title": TITLE,
            "education": EDUCATION, "status": STATUS,
        },
    )  # fmt: skip
    core_labels.register_kind(
        "Appointment",
        _l("the part-time appointment"),
        endpoint="appointments.detail",
        arg="appointment_id",
        forms=[AppointmentForm],
        fields={"termination_reason": _l("Reason for ending early")},
        values={"status": APPOINTMENT_STATUS, "qualification": QUALIFICATION, "gender": GENDER},
    )
    core_labels.register_kind(
        "CountyPartTimePolicy", _l("the county part-time policy"), forms=[PolicyForm]
    )
    core_labels.register_kind(
        "InnovationTeam",
        _l("the innovation team"),
        endpoint="teams.detail",
        arg="team_id",
        forms=[TeamForm],
        fields={"members": _l("Members"), "report": _l("Annual report")},
        values={"status": TEAM_STATUS, "level": LEVELS, "level_sought": LEVELS},
    )
    core_labels.register_kind(
        "OverseasBatch",
        _l("the overseas study batch"),
        endpoint="teams.batch",
        arg="batch_id",
        forms=[BatchForm],
    )

    core_labels.register_kind(
        "SkillCertificate",
        _l("the certificate"),
        forms=[CertificateForm],
        values={"kind": CERTIFICATE_KIND, "level": SKILL_LEVEL},
    )
    core_labels.register_kind(
        "Nomination",
        _l("the overseas study nomination"),
        values={"status": NOMINATION_STATUS},
    )

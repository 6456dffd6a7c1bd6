"""Teachers in the JSON API: the same services and permission questions as the pages."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from core import org
from core.api import ApiBlueprint, get_visible, json_body, paginated, text_value, validate_json
from core.errors import ValidationFailed
from core.labels import with_labels
from core.permissions import require

from . import labels, services
from .forms import ContactForm, TeacherForm
from .models import Teacher
from .permissions import can_edit, can_edit_contact, can_manage_school, can_view
from .queries import TeacherFilters, filtered_teachers

api = ApiBlueprint("teachers_api", __name__)

TEACHER_BODY = {
    "type": "object",
    "required": ["staff_no", "name", "gender", "employment", "hire_date"],
    "properties": {
        "school": {"type": "string", "description": "School code (admin only; HR: own school)"},
        "staff_no": {"type": "string"},
        "name": {"type": "string"},
        "gender": {"type": "string", "enum": ["male", "female"]},
        "birth_date": {"type": "string", "format": "date"},
        "department": {"type": "string"},
        "professional": {"type": "boolean"},
        "practice_instructor": {"type": "boolean"},
        "employment": {"type": "string", "enum": ["establishment", "contract"]},
        "hire_date": {"type": "string", "format": "date"},
        "title": {
            "type": "string",
            "enum": ["none", "junior", "intermediate", "associate_senior", "senior"],
        },
        "title_date": {"type": "string", "format": "date"},
        "education": {"type": "string"},
        "enterprise_months": {"type": "integer"},
        "qualification_cert_no": {"type": "string"},
        "phone": {"type": "string"},
        "email": {"type": "string"},
    },
}


def teacher_json(t: Teacher) -> dict[str, Any]:
    return with_labels(
        {
            "id": t.id,
            "school": t.school.code,
            "staff_no": t.staff_no,
            "name": t.name,
            "gender": t.gender,
            "birth_date": t.birth_date.isoformat() if t.birth_date else None,
            "department": t.department,
            "professional": t.professional,
            "practice_instructor": t.practice_instructor,
            "employment": t.employment,
            "hire_date": t.hire_date.isoformat(),
            "title": t.title,
            "title_date": t.title_date.isoformat() if t.title_date else None,
            "education": t.education,
            "enterprise_months": t.enterprise_months,
            "qualification_cert_no": t.qualification_cert_no,
            "phone": t.phone,
            "email": t.email,
            "status": t.status,
            "leave_date": t.leave_date.isoformat() if t.leave_date else None,
        },
        gender=labels.GENDER,
        employment=labels.EMPLOYMENT,
        title=labels.TITLE,
        education=labels.EDUCATION,
        status=labels.STATUS,
    )


@api.route(
    "/teachers",
    methods=["GET"],
    summary="Teachers visible to the user",
    params={
        "q": "Name or staff number contains",
        "school": "School code",
        "professional": "1 or 0",
        "title": "Title code",
        "status": "active (default), left or all",
        "page": "Page number",
        "per_page": "Items per page (≤ 200)",
    },
)
def list_teachers():  # type: ignore[no-untyped-def]
    filters = TeacherFilters.from_args(request.args)
    return paginated(filtered_teachers(current_user, filters), teacher_json)


@api.route(
    "/teachers",
    methods=["POST"],
    summary="Add a teacher",
    body=TEACHER_BODY,
    responses={"201": "Created"},
)
def create_teacher():  # type: ignore[no-untyped-def]
    data = json_body()
    code = text_value(data.pop("school", None), "school") or (
        current_user.school.code if current_user.school else ""
    )
    school = org.school_by_code(code) if code else None
    if school is None:
        raise ValidationFailed({"school": _("Give the code of an existing school.")})
    require(can_manage_school(current_user, school))
    form = validate_json(TeacherForm, data)
    teacher = services.create_teacher(school, form.data, current_user)
    return jsonify(teacher_json(teacher)), 201


def _teacher(teacher_id: int) -> Teacher:
    return get_visible(Teacher, teacher_id, _("No such teacher."), can_view)


@api.route("/teachers/<int:teacher_id>", methods=["GET"], summary="One teacher")
def get_teacher(teacher_id: int):  # type: ignore[no-untyped-def]
    return jsonify(teacher_json(_teacher(teacher_id)))


@api.route(
    "/teachers/<int:teacher_id>",
    methods=["PATCH"],
    summary="Change a teacher (a teacher may change only their own phone and email)",
    body={**TEACHER_BODY, "required": []},
)
def patch_teacher(teacher_id: int):  # type: ignore[no-untyped-def]
    teacher = _teacher(teacher_id)
    data = json_body()
    if can_edit(current_user, teacher):
        if "school" in data:
            raise ValidationFailed({"school": _("A teacher cannot be moved to another school.")})
        form = validate_json(TeacherForm, data, obj=teacher)
        services.update_teacher(teacher, form.data, current_user)
    else:
        require(can_edit_contact(current_user, teacher))
        form = validate_json(ContactForm, data, obj=teacher)
        services.update_contact(teacher, form.data, current_user)
    return jsonify(teacher_json(teacher))

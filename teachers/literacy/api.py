"""Digital literacy in the JSON API: the rounds, opening one, and recording a teacher's result
(the pages' twins, through the same services)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import fields

from core.api import ApiBlueprint
from core.errors import NotFound
from core.models import Role
from core.permissions import require
from core.schemas import ApiSchema, Code, Computed, Label, PageQuery, between, length

from . import labels, services
from .models import DIMENSIONS

api = ApiBlueprint("literacy_api", __name__)


class LiteracyRoundOut(ApiSchema):
    id = fields.Integer(required=True)
    year = fields.Integer(required=True)
    name = fields.String(required=True)
    school = Computed(lambda r: r.school.code if r.school else None,
                      {"type": "string", "nullable": True})  # fmt: skip
    takers = Code(labels.TAKERS, required=True)
    takers_label = Label(labels.TAKERS)
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)
    maxima = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class LiteracyRoundIn(ApiSchema):
    year = fields.Integer(required=True, strict=True, validate=between(2000, 2100))
    name = fields.String(required=True, validate=length(min=1, max=120))
    takers = fields.String(load_default="professional",
                           metadata={"description": "professional | in_post"})  # fmt: skip
    opens_on = fields.Date(required=True)
    closes_on = fields.Date(required=True)


class LiteracyResultIn(ApiSchema):
    staff_no = fields.String(required=True, validate=length(min=1, max=30))
    scores = fields.Dict(
        keys=fields.String(), values=fields.Float(), required=True,
        metadata={"description": "The five dimensions: " + ", ".join(DIMENSIONS)},
    )  # fmt: skip


class LiteracyResultOut(ApiSchema):
    id = fields.Integer(required=True)
    round = fields.Integer(attribute="round_id", required=True)
    teacher = fields.Integer(attribute="teacher_id", required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Float(), required=True)
    total = fields.Float(required=True)
    passed = fields.Boolean(required=True)
    current = fields.Boolean(required=True)


def _staff() -> None:
    require(current_user.role in (Role.SCHOOL_HR, Role.BUREAU, Role.ADMIN))


@api.route(
    "/literacy/rounds",
    methods=["GET"],
    summary="Digital-literacy rounds: the city's and the schools' within reach",
    query=PageQuery,
    response=LiteracyRoundOut,
    paged=True,
)
def rounds(query: dict[str, Any]):  # type: ignore[no-untyped-def]
    _staff()
    return services.visible_rounds(current_user)


@api.route(
    "/literacy/rounds",
    methods=["POST"],
    summary="Open a round: the bureau for the city, HR for its own school",
    body=LiteracyRoundIn,
    response=LiteracyRoundOut,
    status=201,
)
def open_round(body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _staff()
    return services.open_round(body, services.school_of_new_round(current_user), current_user)


@api.route(
    "/literacy/rounds/<int:round_id>/results",
    methods=["POST"],
    summary="Record a teacher's five scores (a retake replaces the current result, kept in the "
    "history); the same scores again change nothing",
    body=LiteracyResultIn,
    response=LiteracyResultOut,
)
def record(round_id: int, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    _staff()
    round_ = services.visible_round(current_user, round_id)
    if round_ is None:
        raise NotFound(_("No such round."))
    teacher = services.teacher_in_reach(current_user, body["staff_no"])
    if teacher is None:
        raise services.not_in_reach()
    result = services.record(round_, teacher, body["scores"], current_user)
    return result or services.current_result(round_, teacher)

"""The page the enterprise mentor opens from the link: no account, read-only placement,
confirm the days or decline with a reason."""

from __future__ import annotations

from flask import render_template, request

from core.errors import ServiceError, ValidationFailed
from core.views.forms_util import apply_errors

from .. import mentor
from ..forms import MentorConfirmForm, MentorDeclineForm
from .blueprint import bp


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def mentor_page(token: str):  # type: ignore[no-untyped-def]
    try:
        link = mentor.open_link(token)
    except ServiceError as err:
        return render_template("placements/mentor_done.html", message=err.message), err.status
    placement = link.placement
    confirm_form = MentorConfirmForm(prefix="c")
    decline_form = MentorDeclineForm(prefix="d")
    choice = request.form.get("choice")
    if request.method == "GET":
        confirm_form.days.data = placement.days
        confirm_form.mentor.data = placement.mentor_name
        decline_form.mentor.data = placement.mentor_name
    elif choice == "confirm" and confirm_form.validate_on_submit():
        try:
            mentor.confirm(token, confirm_form.days.data, confirm_form.mentor.data)
        except ValidationFailed as err:
            apply_errors(confirm_form, err)
        else:
            return render_template(
                "placements/mentor_done.html", confirmed=True, placement=placement
            )
    elif choice == "decline" and decline_form.validate_on_submit():
        try:
            mentor.decline(token, decline_form.reason.data, decline_form.mentor.data)
        except ValidationFailed as err:
            apply_errors(decline_form, err)
        else:
            return render_template(
                "placements/mentor_done.html", declined=True, placement=placement
            )
    status = 400 if request.method == "POST" else 200
    return render_template(
        "placements/mentor.html",
        placement=placement,
        confirm_form=confirm_form,
        decline_form=decline_form,
    ), status

"""The page the enterprise mentor opens from the link: no account, read-only placement,
confirm the days or decline with a reason."""

from __future__ import annotations

from flask import render_template, request

from core.db import keep_partial_work
from core.errors import ServiceError, ValidationFailed
from core.views.forms_util import apply_errors

from .. import mentor
from ..forms import MentorConfirmForm, MentorDeclineForm
from .blueprint import bp


@bp.route("/confirm/<token>", methods=["GET", "POST"])
def mentor_page(token: str):  # type: ignore[no-untyped-def]
    try:
        link = mentor.open_link(token, locked=request.method == "POST")
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
    elif choice in ("confirm", "decline") and (wrong := mentor.check_digits(
        link, (confirm_form if choice == "confirm" else decline_form).digits.data
    )):  # fmt: skip
        # A refusal that keeps one thing: the wrong entry is counted against the link's tries.
        keep_partial_work()
        (confirm_form if choice == "confirm" else decline_form).digits.errors = [wrong]
        if link.closed_at is not None:
            return render_template("placements/mentor_done.html", message=wrong), 400
        return _page(placement, confirm_form, decline_form), 400
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
    return _page(placement, confirm_form, decline_form), 400 if request.method == "POST" else 200


def _page(placement, confirm_form, decline_form) -> str:  # type: ignore[no-untyped-def]
    return render_template(
        "placements/mentor.html",
        placement=placement,
        confirm_form=confirm_form,
        decline_form=decline_form,
        asks_digits=bool(mentor.phone_digits(placement)),
    )

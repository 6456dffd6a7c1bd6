"""Seals (公章): the page where an issuing body uploads, replaces or removes its seal, and the
seal's image for that page."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import seals
from ..errors import NotFound, ValidationFailed
from ..permissions import login_required, require
from .blueprint import bp
from .forms_util import flash_errors


def _issuer(issuer: str) -> str:
    try:
        key, _school, _county = seals.resolve(issuer)
    except NotFound:
        abort(404)
    require(seals.can_manage(current_user, key))
    return key


@bp.get("/seals")
@login_required
def seals_home():  # type: ignore[no-untyped-def]
    """The signed-in person's own body's seal page."""
    mine = seals.managed_by(current_user)
    require(bool(mine))
    return redirect(url_for("core.seal", issuer=mine[0]))


@bp.route("/seals/<issuer>", methods=["GET", "POST"])
@login_required
def seal(issuer: str):  # type: ignore[no-untyped-def]
    issuer = _issuer(issuer)
    if request.method == "POST":
        try:
            seals.save(issuer, request.files.get("file"), current_user)
        except ValidationFailed as err:
            flash_errors(err.fields)
            return redirect(url_for("core.seal", issuer=issuer)), 303
        flash(_("The seal is saved: the documents issued from now on carry it."), "success")
        return redirect(url_for("core.seal", issuer=issuer))
    return render_template(
        "core/seal.html",
        issuer=issuer,
        name=seals.issuer_name(issuer),
        current=seals.find(issuer),
        max_mb=seals.MAX_BYTES // (1024 * 1024),
    )


@bp.post("/seals/<issuer>/delete")
@login_required
def delete_seal(issuer: str):  # type: ignore[no-untyped-def]
    issuer = _issuer(issuer)
    try:
        seals.remove(issuer, current_user)
    except NotFound as err:
        flash(err.message, "error")
    else:
        flash(_("The seal is removed: documents show the empty seal area again."), "success")
    return redirect(url_for("core.seal", issuer=issuer))


@bp.get("/seals/<issuer>/seal.png")
@login_required
def seal_image(issuer: str):  # type: ignore[no-untyped-def]
    issuer = _issuer(issuer)
    data = seals.image(issuer) or abort(404)
    response = send_file(io.BytesIO(data), mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-cache"
    return response

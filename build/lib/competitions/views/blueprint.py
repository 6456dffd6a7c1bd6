"""The blueprint of the competitions pages (its routes are in the modules beside it)."""

from flask import Blueprint

from .. import labels

bp = Blueprint("competitions", __name__, template_folder="../templates")


@bp.app_context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"cl": labels}

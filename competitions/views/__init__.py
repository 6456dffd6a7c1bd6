"""Competition pages."""

from flask import Blueprint

from .. import labels

bp = Blueprint("competitions", __name__, template_folder="../templates")


@bp.app_context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"cl": labels}


from . import catalog, entries, public  # noqa: E402,F401

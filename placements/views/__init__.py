"""Enterprise practice pages."""

from flask import Blueprint

from .. import labels

bp = Blueprint("placements", __name__, template_folder="../templates")


@bp.app_context_processor
def _labels():  # type: ignore[no-untyped-def]
    return {"pl": labels}


from . import enterprise_jobs, mentor, placements, practice  # noqa: E402,F401

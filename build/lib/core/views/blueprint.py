"""The blueprint of the core pages (its routes are in the modules beside it)."""

from flask import Blueprint

bp = Blueprint("core", __name__)

"""`shuangshi`: the commands of `flask --app wsgi`, from any directory (an installed package has
no wsgi.py beside the operator). A broken installation says why instead of "No such command"."""

from __future__ import annotations

from flask.cli import FlaskGroup

from . import create_app


def main() -> None:
    FlaskGroup(
        create_app=lambda: create_app(),
        help="Shuangshi (双师): db upgrade, org init, demo-data, worker, scheduler, run …",
    )(prog_name="shuangshi")

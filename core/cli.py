"""Operator commands: `flask --app wsgi users …`, `org init`, `demo-data`.

Every command runs as one unit of work: it commits at the end or changes nothing.
"""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import func, select

from . import accounts, demo, org
from .db import unit_of_work
from .demo_copies import SCALES, multiply
from .errors import ServiceError, ValidationFailed
from .extensions import db
from .models import Role, User

users = AppGroup("users", help="Manage accounts.")
org_cli = AppGroup("org", help="Counties and schools.")


def _fail(err: ServiceError) -> None:
    fields = getattr(err, "fields", {})
    for name, messages in fields.items():
        for message in messages:
            click.echo(f"{name}: {message}", err=True)
    if not fields:
        click.echo(err.message, err=True)
    sys.exit(1)


@users.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--school", "school_code", help="School code (school_hr and teacher accounts).")
@click.option("--county", "county_code", help="County code for a bureau account, or 'city'.")
@click.option("--teacher", "staff_no", help="Staff number of the teacher (teacher accounts).")
@click.option("--name", "display_name", default="", help="Display name.")
@click.option("--password", help="Prompted for (hidden) when absent.")
def create_user(username, role, school_code, county_code, staff_no, display_name, password):  # type: ignore[no-untyped-def]
    """Create an account; this is how the first admin of an installation is made."""
    school = org.school_by_code(school_code) if school_code else None
    if school_code and school is None:
        raise click.BadParameter(f"no school with code {school_code}", param_hint="--school")
    county = None
    if role == Role.BUREAU and county_code and county_code != "city":
        county = org.county_by_code(county_code)
        if county is None:
            raise click.BadParameter(f"no county with code {county_code}", param_hint="--county")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            user = accounts.create_user(
                username=username,
                password=password,
                role=role,
                display_name=display_name,
                school=school,
                county=county,
                link={"staff_no": staff_no or ""},
            )
    except ValidationFailed as err:
        _fail(err)
    click.echo(f"created {user.username} ({user.role})")


@users.command("list")
def list_users():  # type: ignore[no-untyped-def]
    """List accounts."""
    for user in db.session.scalars(select(User).order_by(User.username)):
        where = user.school.code if user.school else (user.county.name if user.county else "")
        state = "" if user.enabled else " [disabled]"
        click.echo(f"{user.username:<24} {user.role:<10} {where}{state}")


def _user(username: str) -> User:
    user = accounts.find_user(username)
    if user is None:
        raise click.BadParameter(f"no user {username}", param_hint="USERNAME")
    return user


@users.command("disable")
@click.argument("username")
def disable_user(username):  # type: ignore[no-untyped-def]
    """Stop an account from signing in (its sessions and tokens end)."""
    with unit_of_work():
        accounts.set_enabled(_user(username), False, by=None)
    click.echo(f"disabled {username}")


@users.command("token")
@click.argument("username")
@click.option("--name", default="cli", help="What the token is for.")
def create_token(username, name):  # type: ignore[no-untyped-def]
    """Create an API token for USERNAME and print it (only this once)."""
    with unit_of_work():
        _token, plain = accounts.create_token(_user(username), name)
    click.echo(plain)


@org_cli.command("init")
def init_org():  # type: ignore[no-untyped-def]
    """Create Wenzhou's counties (safe to run again)."""
    with unit_of_work():
        added = org.ensure_counties()
    click.echo(f"counties: {added} added")


@click.command("demo-data")
@click.option(
    "--scale",
    type=click.Choice(["demo", "city", "province", "nation"]),
    default="demo",
    help="province and nation (PostgreSQL): the city copied ×10 or ×90 with COPY.",
)
@click.option("--seed", type=int, default=2025, help="Same seed, same data.")
@click.option("--if-empty", is_flag=True, help="Do nothing when accounts exist already.")
def demo_data(scale, seed, if_empty):  # type: ignore[no-untyped-def]
    """Load demonstration data through the services, and print the demo accounts."""
    if scale in SCALES and db.engine.dialect.name != "postgresql":
        click.echo(f"The {scale} scale is built on PostgreSQL: set DATABASE_URL.", err=True)
        sys.exit(1)
    has_users = db.session.scalar(select(func.count(User.id))) > 0
    if has_users and if_empty:
        click.echo("Demo data already loaded.")
    elif has_users:
        click.echo(
            "The database is not empty; demo data is loaded only into an empty one.", err=True
        )
        sys.exit(1)
    else:
        with unit_of_work():
            demo.build(scale="city" if scale in SCALES else scale, seed=seed, echo=click.echo)
        if scale in SCALES:
            multiply(SCALES[scale], echo=click.echo)
    demo.print_accounts(click.echo)


def init_app(app: Flask) -> None:
    app.cli.add_command(users)
    app.cli.add_command(org_cli)
    app.cli.add_command(demo_data)

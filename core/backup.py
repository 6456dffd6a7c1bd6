"""Backups an operator can trust: `flask backup PATH` writes a consistent snapshot of the database
(SQLite's online backup API, or pg_dump) with the uploaded and generated files and a manifest of
row counts and the SHA-256 of every file in the backup, the database's included; `flask restore
PATH` first checks every one of those files and the database's own integrity (SQLite's
`integrity_check`, `pg_restore --list`), refusing a damaged backup in one sentence naming the file,
then loads it into an empty installation in one transaction and checks it against the manifest.
A restore that fails leaves the target as it was."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlalchemy import func, inspect, select, table

from .extensions import db
from .models import User
from .timeutil import utcnow


def _libpq() -> tuple[str, dict[str, str]]:
    """The database's libpq URL without its password, and the environment that carries it (a
    password on the command line is visible to every user of the machine in `ps`)."""
    url = db.engine.url.set(drivername="postgresql")
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str]) -> None:
    """Run a PostgreSQL client; its own message, in one line, if it fails."""
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        raise click.ClickException(f"{args[0]} failed: {lines[-1] if lines else done.returncode}")


def _row_counts() -> dict[str, int]:
    names = sorted(inspect(db.engine).get_table_names())
    return {
        name: db.session.scalar(select(func.count()).select_from(table(name))) for name in names
    }


def _checksums(folder: Path) -> dict[str, str]:
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and not path.name.startswith(".part-")
    }


def make_backup(target: Path) -> dict[str, Any]:
    if target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} is not empty: choose a new folder.")
    target.mkdir(parents=True, exist_ok=True)
    dialect = db.engine.dialect.name
    db.session.commit()
    if dialect == "sqlite":
        source = sqlite3.connect(db.engine.url.database)
        with sqlite3.connect(target / "database.sqlite") as copy:
            source.backup(copy)  # a consistent copy even while the application writes
        source.close()
    else:
        url, env = _libpq()
        _run(["pg_dump", "-Fc", "--no-owner", "-f", str(target / "database.dump"), url], env)
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if uploads.exists():
        shutil.copytree(uploads, target / "files", ignore=shutil.ignore_patterns(".part-*"))
    manifest = {
        "created_at": utcnow().isoformat() + "Z",
        "dialect": dialect,
        "tables": _row_counts(),
        "files": _checksums(uploads),
        # Every file of the backup itself, the database's first: checked before a restore.
        "backup": _checksums(target),
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def verify_backup(source: Path, manifest: dict[str, Any]) -> None:
    """Every file the manifest names is there, byte for byte, and the database file passes its
    own check; else one sentence naming what is wrong."""
    expected = manifest.get("backup")
    if not expected:
        raise click.ClickException(
            "This backup has no checksums of its files (made by an older version): it cannot be "
            "verified, so it is not restored."
        )
    found = _checksums(source)
    for name, digest in expected.items():
        if name not in found:
            raise click.ClickException(f"The backup is incomplete: {name} is missing.")
        if found[name] != digest:
            raise click.ClickException(
                f"The backup is damaged: {name} differs from when it was made."
            )
    if manifest["dialect"] == "sqlite":
        uri = f"file:{source / 'database.sqlite'}?mode=ro"
        try:
            with contextlib.closing(sqlite3.connect(uri, uri=True)) as check:
                result = check.execute("PRAGMA integrity_check").fetchone()[0]
        except sqlite3.Error as err:  # not a database at all, cut short, a page unreadable
            result = str(err)
        if result != "ok":
            raise click.ClickException(
                f"The backup's database.sqlite is damaged ({result.splitlines()[0]}): it is not "
                "restored; take another backup."
            )
    else:
        _url, env = _libpq()
        _run(["pg_restore", "--list", str(source / "database.dump")], env)


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, or one sentence saying why this folder is not a backup."""
    try:
        manifest = json.loads((source / "manifest.json").read_text())
    except FileNotFoundError:
        raise click.ClickException(f"{source} is not a backup: it has no manifest.json.") from None
    except (OSError, UnicodeDecodeError, ValueError):
        raise click.ClickException(
            f"The backup's manifest.json is damaged: {source} cannot be restored."
        ) from None
    if not isinstance(manifest, dict) or manifest.get("dialect") not in ("sqlite", "postgresql"):
        raise click.ClickException(
            f"The backup's manifest.json is damaged: {source} cannot be restored."
        )
    return manifest


def restore_backup(source: Path) -> dict[str, Any]:
    manifest = read_manifest(source)
    verify_backup(source, manifest)
    dialect = db.engine.dialect.name
    if manifest["dialect"] != dialect:
        raise click.ClickException(
            f"This backup is of a {manifest['dialect']} database; the installation uses {dialect}."
        )
    tables = inspect(db.engine).get_table_names()
    if "users" in tables and db.session.scalar(select(func.count(User.id))):
        raise click.ClickException("The database is not empty: restore into a new installation.")
    db.session.commit()
    if dialect == "sqlite":
        db.engine.dispose()
        try:
            with (
                contextlib.closing(sqlite3.connect(source / "database.sqlite")) as backup,
                contextlib.closing(sqlite3.connect(db.engine.url.database)) as target,
            ):
                backup.backup(target)
        except sqlite3.Error as err:
            raise click.ClickException(
                f"The backup's database.sqlite could not be read ({err}): it is not restored."
            ) from None
    else:
        db.engine.dispose()
        url, env = _libpq()
        # One transaction: a dump that fails half-way leaves the target as it was.
        _run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction",
              "--exit-on-error", "-d", url, str(source / "database.dump")], env)  # fmt: skip
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    if (source / "files").exists():
        shutil.copytree(source / "files", uploads, dirs_exist_ok=True)
    counts, sums = _row_counts(), _checksums(uploads)
    wrong = [t for t, n in manifest["tables"].items() if counts.get(t) != n]
    wrong += [f for f, digest in manifest["files"].items() if sums.get(f) != digest]
    if wrong:
        raise click.ClickException(f"The restored data differs from the backup: {wrong[:10]}")
    return manifest


def init_app(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", type=click.Path(path_type=Path))
    @with_appcontext
    def backup_command(path: Path) -> None:
        """Write a consistent backup (database and files) into the new folder PATH."""
        manifest = make_backup(path)
        rows = sum(manifest["tables"].values())
        click.echo(f"backup: {rows} rows, {len(manifest['files'])} files in {path}")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @with_appcontext
    def restore_command(path: Path) -> None:
        """Load the backup in PATH into this (empty) installation and check it."""
        manifest = restore_backup(path)
        rows = sum(manifest["tables"].values())
        click.echo(f"restored: {rows} rows, {len(manifest['files'])} files, all as in the backup")

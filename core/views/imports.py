"""Import pages (导入): the kinds a person may import, each kind's template and export, the upload
with its preview (a dry run: nothing written), and the confirmation that writes it all or none."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from .. import import_preview, import_runs, imports
from ..errors import note_refusal
from ..excel import download
from ..extensions import db
from ..forms import ImportForm, options
from ..models import ImportBatch, School
from ..permissions import login_required, require, school_scope
from .blueprint import bp


def _kind(key: str) -> imports.Kind:
    kind = imports.KINDS.get(key)
    if kind is None:
        abort(404)
    require(kind.may_import(current_user))
    return kind


def school_for(kind: imports.Kind, code: str | None) -> School | None:
    """The school an import is for: one of the person's own (the first when they have one)."""
    if kind.schools is None:
        return None
    schools = kind.schools(current_user)
    if not code:
        return schools[0] if len(schools) == 1 else None
    school = next((s for s in schools if s.code == code), None)
    require(school is not None)
    return school


@bp.get("/imports")
@login_required
def imports_home():  # type: ignore[no-untyped-def]
    kinds = imports.kinds_for(current_user)
    require(bool(kinds))
    recent = db.session.scalars(
        select(ImportBatch)
        .where(
            (ImportBatch.by_id == current_user.id)
            | school_scope(current_user, ImportBatch.school_id)
        )
        .order_by(ImportBatch.at.desc())
        .limit(20)
    ).all()
    labels = {k.key: k.label for k in imports.KINDS.values()}
    return render_template("core/imports.html", kinds=kinds, recent=recent, kind_labels=labels)


@bp.get("/imports/<key>/template.xlsx")
@login_required
def import_template(key: str):  # type: ignore[no-untyped-def]
    kind = _kind(key)
    return download(imports.template(kind), f"{kind.sheet}模板.xlsx")


@bp.get("/imports/<key>/export.xlsx")
@login_required
def import_export(key: str):  # type: ignore[no-untyped-def]
    """The records of the kind in the template's columns: edit and import back."""
    kind = _kind(key)
    if kind.export is None:
        abort(404)
    school = school_for(kind, request.args.get("school"))
    rows = kind.export(current_user, school)
    name = f"{school.name}-{kind.sheet}" if school else kind.sheet
    return download(imports.export_workbook(kind, rows), f"{name}.xlsx")


def _attachments(kind: imports.Kind, form: ImportForm) -> bytes | None:
    """The .zip of documents that came with the sheet, for a kind that takes one."""
    upload = form.attachments.data
    if kind.attachments is None or upload is None or not getattr(upload, "filename", ""):
        return None
    return bytes(upload.read())


def _form(kind: imports.Kind) -> ImportForm:
    form = ImportForm()
    form.attachments.description = kind.attachments or ""
    schools = kind.schools(current_user) if kind.schools else []
    form.school.choices = options((s.code, f"{s.code} {s.name}") for s in schools)
    return form


@bp.route("/imports/<key>", methods=["GET", "POST"])
@login_required
def import_upload(key: str):  # type: ignore[no-untyped-def]
    """Upload → the preview: what would be created, updated and left unchanged, and every
    problem by row and column. Nothing is written here."""
    kind = _kind(key)
    form = _form(kind)
    outcome = token = None
    if form.validate_on_submit():
        school = school_for(kind, form.school.data)
        if kind.schools is not None and school is None:
            form.school.errors = [_("Choose the school.")]
            return render_template("core/import.html", kind=kind, form=form), 400
        data = form.file.data.read()
        name = form.file.data.filename or ""
        files = _attachments(kind, form)
        outcome = imports.run(kind, io.BytesIO(data), current_user, school, dry_run=True,
                              attachments=files)  # fmt: skip
        if not outcome.ok:
            note_refusal()
        else:
            token = import_runs.stage(data, kind, school, current_user, name, files)
    status = 400 if (outcome and not outcome.ok) or form.errors else 200
    return render_template(
        "core/import.html", kind=kind, form=form, outcome=outcome, token=token,
        shown=import_runs.SHOWN_ERRORS, per_page=import_preview.PAGE,
    ), status  # fmt: skip


@bp.get("/imports/<key>/preview")
@login_required
def import_preview_page(key: str) -> ResponseReturnValue:
    """Another page of a preview's rows: the kept file checked again (nothing written), so the
    list is what confirming would do now."""
    kind = _kind(key)
    token = request.args.get("token", "")
    data = import_runs.staged(token, current_user)
    if data["kind"] != kind.key:
        abort(404)
    page = request.args.get("page", 1, type=int) or 1
    school = db.session.get(School, data["school"]) if data["school"] else None
    outcome = imports.run(kind, import_runs.read_staged(data), current_user, school,
                          dry_run=True, page=max(page, 1),
                          attachments=import_runs.staged_attachments(data))  # fmt: skip
    return render_template(
        "core/import.html", kind=kind, form=_form(kind), outcome=outcome,
        token=token if outcome.ok else None, shown=import_runs.SHOWN_ERRORS,
        per_page=import_preview.PAGE,
    ), 200 if outcome.ok else 400  # fmt: skip


@bp.post("/imports/<key>/confirm")
@login_required
def import_confirm(key: str):  # type: ignore[no-untyped-def]
    """Write what the preview showed: all of it or, when something changed since, none."""
    kind = _kind(key)
    data = import_runs.staged(request.form.get("token", ""), current_user)
    if data["kind"] != kind.key:
        abort(404)
    stream = import_runs.read_staged(data)
    if import_runs.is_large(stream):
        task = import_runs.start(data, current_user)
        flash(_("The import is running. You can leave this page; you will be notified."), "info")
        return redirect(url_for("core.task_detail", task_id=task.id))
    school = db.session.get(School, data["school"]) if data["school"] else None
    outcome = imports.run(kind, stream, current_user, school, dry_run=False, filename=data["name"],
                          attachments=import_runs.staged_attachments(data))  # fmt: skip
    if not outcome.ok:  # the records changed since the preview
        form = _form(kind)
        return render_template(
            "core/import.html", kind=kind, form=form, outcome=outcome,
            shown=import_runs.SHOWN_ERRORS, per_page=import_preview.PAGE,
        ), 400  # fmt: skip
    flash(
        _("Imported: %(created)d created, %(updated)d updated, %(unchanged)d unchanged.",
          created=outcome.created, updated=outcome.updated, unchanged=outcome.unchanged),
        "success",
    )  # fmt: skip
    return redirect(kind.done_url(school) if kind.done_url else url_for("core.imports_home"))

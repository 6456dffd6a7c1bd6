"""The app as gunicorn serves it, plus one page that does the least a signed-in page can: the
session, the current user, one query and the base layout. The load run measures the teacher's
own page against it (goal: at least 80% of its requests per second, `bench.load.FLOOR`)."""

from __future__ import annotations

from flask import render_template_string
from flask_login import current_user
from sqlalchemy import select

from core import create_app
from core.extensions import db
from core.models import School
from core.permissions import login_required

app = create_app()


@app.get("/bench/minimal")
@login_required
def minimal():  # type: ignore[no-untyped-def]
    name = db.session.scalar(select(School.name).where(School.id == current_user.school_id))
    return render_template_string(
        '{% extends "base.html" %}{% block content %}<h1>{{ name }}</h1>{% endblock %}', name=name
    )

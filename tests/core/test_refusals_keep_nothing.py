"""A refusal changes nothing, wherever it happens: a request, a background task, a function run
in the background, a CLI command. The task runner used to commit after a refusal the task had
caught (the mark that a service refused was kept for requests alone)."""

from __future__ import annotations

import click
from sqlalchemy import select

from core import tasks
from core.db import keep_partial_work, unit_of_work
from core.errors import RuleViolated
from core.extensions import db
from core.models import School, Task, TaskStatus


def _write_then_refuse(name: str) -> None:
    """Work that writes (renames the school), then meets a refusal it catches and carries on."""
    school = db.session.scalars(select(School)).one()
    school.name = name
    db.session.flush()
    try:
        raise RuleViolated({"name": "规则不允许"})
    except RuleViolated:
        pass  # caught: the caller prints or carries on, but nothing may stand


@tasks.register("tests.refused_inside", "refused inside (test)")
def _refused_inside(task: Task, progress: tasks.Progress) -> dict:
    with progress.writing():
        _write_then_refuse("任务改名")
    return {}


def _name() -> str:
    db.session.expire_all()
    return db.session.scalars(select(School.name)).one()


def test_a_refusal_caught_inside_a_task_keeps_nothing(app, make_user, make_school):  # type: ignore[no-untyped-def]
    make_school(name="原名")
    task = tasks.start("tests.refused_inside", make_user(), {})
    db.session.commit()  # the task runs at once here (TASKS_IMMEDIATE)
    db.session.expire_all()
    task = db.session.get(Task, task.id)
    assert task is not None and task.status == TaskStatus.FAILED
    assert "Nothing was saved" in task.error or "未保存" in task.error, task.error
    assert _name() == "原名"


def test_a_refusal_caught_in_a_background_function_keeps_nothing(app, make_school):  # type: ignore[no-untyped-def]
    make_school(name="原名")
    tasks.register_function("tests.refused_function", lambda: _write_then_refuse("函数改名"))
    tasks.run_function("tests.refused_function")
    assert _name() == "原名"


def test_a_refusal_caught_in_a_cli_command_keeps_nothing(app, runner, make_school):  # type: ignore[no-untyped-def]
    make_school(name="原名")

    @app.cli.command("tests-refused")
    def refused() -> None:
        with unit_of_work():
            _write_then_refuse("命令改名")
            click.echo("refused, carried on")

    @app.cli.command("tests-kept")
    def kept() -> None:
        with unit_of_work():
            _write_then_refuse("保留改名")
            keep_partial_work()  # the one explicit way to keep work after a refusal

    assert "carried on" in runner.invoke(args=["tests-refused"]).output
    assert _name() == "原名"
    runner.invoke(args=["tests-kept"])
    assert _name() == "保留改名"

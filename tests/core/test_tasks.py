"""Background tasks: large imports and exports go to a worker, the person follows their progress
and downloads the file for 7 days; failures are retried a bounded number of times; a task runs
once however many workers get it; only its owner sees it."""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import tasks
from core.extensions import db
from core.models import AuditEntry, Notification, Role, Task, TaskStatus
from core.timeutil import utcnow
from teachers import roster
from teachers.models import Teacher
from tests.teachers.test_roster import row, sheet, upload

RUNS: list[int] = []


@tasks.register("tests.slow_count", "counting (test)")
def _slow_count(task: Task, progress: tasks.Progress) -> dict:
    """A kind of task for these tests: counts its runs, slowly enough for a race to overlap."""
    RUNS.append(task.id)
    time.sleep(0.3)
    return {}


@pytest.fixture
def background(app):  # type: ignore[no-untyped-def]
    """Imports of more than 3 rows and exports of more than 2 teachers go to the background."""
    app.config.update(IMPORT_INLINE_ROWS=3, ROSTER_EXPORT_INLINE_ROWS=2)
    yield app
    app.config.update(IMPORT_INLINE_ROWS=300, ROSTER_EXPORT_INLINE_ROWS=20_000)


def five_rows(**changes: object) -> io.BytesIO:
    return sheet([row(f"B00{n}", f"教师{n}", **changes) for n in range(1, 6)])


def test_a_large_import_runs_as_a_task_the_clerk_follows_and_is_told_about(
    background, login_as, make_school, make_user
):
    school = make_school()
    hr = make_user(Role.SCHOOL_HR, school=school)
    c = login_as(hr)
    response = upload(c, five_rows())
    assert response.status_code == 302 and response.location.startswith("/tasks/")
    task = db.session.scalars(select(Task)).one()
    assert (task.status, task.done, task.total) == (TaskStatus.DONE, 5, 5)
    page = c.get(response.location).get_data(as_text=True)
    assert "已完成" in page and "新增" in page and "返回导入" not in page
    assert "/teachers?school=" in page  # the way on: the roster the rows went to
    assert db.session.scalar(select(func.count(Teacher.id))) == 5
    # The clerk is told, with a link to the task; the start is in the audit log.
    note = db.session.scalars(select(Notification).where(Notification.user_id == hr.id)).one()
    assert note.link == response.location
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "task_started")) == 1
    listing = c.get("/tasks").get_data(as_text=True)
    assert "导入" in listing and f"教师名册 · {school.name}" in listing
    # The uploaded sheet is not kept once the import succeeded.
    assert tasks.housekeeping()["files_removed"] == 0
    db.session.commit()
    assert "input_key" not in db.session.get(Task, task.id).params


def test_a_bad_large_import_writes_nothing_and_lists_every_cell_to_correct(
    background, login_as, make_school
):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    # The preview checks every row before any task: a bad file never reaches the queue.
    response = upload(c, five_rows(性别="未知"))
    assert response.status_code == 400
    assert db.session.scalar(select(func.count(Task.id))) == 0
    assert db.session.scalar(select(func.count(Teacher.id))) == 0
    page = response.get_data(as_text=True)
    assert "未导入任何数据" in page
    assert page.count("<td>性别</td>") == 5


def test_a_task_breaking_midway_writes_nothing_is_retried_then_fails_and_can_be_restarted(
    background, login_as, make_school, monkeypatch
):
    school = make_school()
    c = login_as(role=Role.SCHOOL_HR, school=school)
    real = roster.create_teacher
    calls = {"n": 0}

    def breaks_at_the_third(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] % 5 == 3:
            raise RuntimeError("the worker died")
        return real(*args, **kwargs)

    monkeypatch.setattr(roster, "create_teacher", breaks_at_the_third)
    response = upload(c, five_rows())
    task = db.session.scalars(select(Task)).one()
    assert (task.status, task.attempts) == (TaskStatus.FAILED, 3)
    assert db.session.scalar(select(func.count(Teacher.id))) == 0  # no half import, ever
    page = c.get(response.location).get_data(as_text=True)
    assert "出错" in page and "RuntimeError" not in page and "重试" in page

    monkeypatch.setattr(roster, "create_teacher", real)
    again = c.post(f"{response.location}/retry")
    assert again.status_code == 302
    db.session.expire_all()
    assert db.session.get(Task, task.id).status == TaskStatus.DONE
    assert db.session.scalar(select(func.count(Teacher.id))) == 5


def test_a_large_export_is_prepared_in_the_background_and_downloads_for_seven_days(
    background, login_as, make_school, make_teacher
):
    school = make_school()
    for _ in range(3):
        make_teacher(school=school)
    c = login_as(role=Role.SCHOOL_HR, school=school)
    offer = c.get("/teachers/export.xlsx")
    assert offer.status_code == 200 and "后台" in offer.get_data(as_text=True)
    started = c.post("/teachers/export", data={"status": "active"})
    task = db.session.scalars(select(Task)).one()
    assert task.status == TaskStatus.DONE
    state = c.get(f"/tasks/state.json?ids={task.id}").json["tasks"][0]
    assert state["percent"] == 100 and state["download_url"] == f"/tasks/{task.id}/file"
    file = c.get(state["download_url"])
    sheet_rows = list(load_workbook(io.BytesIO(file.get_data())).active.iter_rows(values_only=True))
    file.close()
    assert len(sheet_rows) == 4 and sheet_rows[0][0] == "工号"

    # Seven days later the housekeeping job removes the file; the page says so.
    task.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert tasks.housekeeping()["files_removed"] == 1
    db.session.commit()
    gone = c.get(f"/tasks/{task.id}/file")
    assert gone.status_code == 302 and gone.location == started.location
    assert "文件已在 7 天后删除" in c.get(started.location).get_data(as_text=True)


def test_only_the_person_who_started_a_task_sees_it(background, login_as, make_school, api_client):
    school = make_school()
    owner = login_as(role=Role.SCHOOL_HR, school=school)
    upload(owner, five_rows())
    task = db.session.scalars(select(Task)).one()
    colleague = login_as(role=Role.SCHOOL_HR, school=school)
    admin = login_as(role=Role.ADMIN)
    for other in (colleague, admin):
        assert other.get(f"/tasks/{task.id}").status_code == 404
        assert other.get(f"/tasks/{task.id}/file").status_code == 404
        assert other.get(f"/tasks/state.json?ids={task.id}").json == {"tasks": []}
        assert other.post(f"/tasks/{task.id}/retry").status_code == 404
    stranger = api_client(role=Role.SCHOOL_HR, school=school)
    assert stranger("GET", f"/api/v1/tasks/{task.id}").status_code == 404
    assert stranger("GET", "/api/v1/tasks").json["total"] == 0


def test_the_api_lists_a_task_and_downloads_its_file(app, api_client, make_school, make_teacher):
    school = make_school()
    make_teacher(school=school)
    call = api_client(role=Role.SCHOOL_HR, school=school)
    task = roster_export_task(call.user)
    listed = call("GET", "/api/v1/tasks").json
    assert [t["id"] for t in listed["items"]] == [task.id]
    one = call("GET", f"/api/v1/tasks/{task.id}").json
    assert one["status"] == "done" and one["status_label"] == "已完成"
    assert one["download_url"] == f"/api/v1/tasks/{task.id}/file"
    file = call("GET", one["download_url"])
    assert file.status_code == 200 and file.get_data()[:2] == b"PK"
    file.close()


def roster_export_task(user):  # type: ignore[no-untyped-def]
    from teachers.queries import TeacherFilters
    from teachers.tasks import start_export

    task = start_export(user, TeacherFilters(), 1)
    db.session.commit()  # runs it (tests run tasks at the commit that queues them)
    db.session.refresh(task)
    return task


def test_two_workers_given_one_task_run_it_once(app, make_user):
    """The same id delivered twice (a retried message, two workers): one run, one winner."""
    user = make_user(Role.SCHOOL_HR)
    app.config["TASKS_IMMEDIATE"] = False
    try:
        task_id = tasks.start("tests.slow_count", user, {}).id
        db.session.commit()
    finally:
        app.config["TASKS_IMMEDIATE"] = True
    RUNS.clear()
    outcomes: list[bool] = []
    barrier = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            barrier.wait()
            outcomes.append(tasks.execute(task_id))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == [False, True]
    assert [task_id] == RUNS
    task = db.session.get(Task, task_id)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 1)
    db.session.commit()
    assert tasks.execute(task_id) is False  # a finished task is never run again


def test_a_task_whose_worker_vanished_is_sent_again_by_housekeeping(app, make_user):
    user = make_user(Role.SCHOOL_HR)
    app.config["TASKS_IMMEDIATE"] = False
    try:
        task = tasks.start("tests.slow_count", user, {})
        # A worker took it, then died: the row says running, and its lease has run out.
        task.status, task.attempts = TaskStatus.RUNNING, 1
        task.lease_until = utcnow() - timedelta(seconds=1)
        task_id = task.id
        db.session.commit()
    finally:
        app.config["TASKS_IMMEDIATE"] = True
    RUNS.clear()
    assert tasks.housekeeping()["resent"] == 1
    db.session.commit()  # resent after the commit; here, run at once
    assert [task_id] == RUNS
    task = db.session.get(Task, task_id)
    assert (task.status, task.attempts) == (TaskStatus.DONE, 2)


def test_a_task_is_queued_only_when_its_transaction_commits(app, make_user, tmp_path):
    user = make_user(Role.SCHOOL_HR)
    app.config.update(TASKS_IMMEDIATE=False, TASK_QUEUE_FILE=str(tmp_path / "queue.db"))
    tasks.reset_queue()
    tasks.queue().flush()  # on PostgreSQL the queue is the database's: empty it first
    try:
        tasks.start("tests.slow_count", user, {})
        db.session.rollback()
        assert tasks.queue().pending_count() == 0
        kept = tasks.start("tests.slow_count", user, {})
        assert tasks.queue().pending_count() == 0
        db.session.commit()
        assert tasks.queue().pending_count() == 1
        message = tasks.queue().dequeue()
        RUNS.clear()
        tasks.queue().execute(message)  # what a worker does with it
        assert [kept.id] == RUNS
    finally:
        app.config["TASKS_IMMEDIATE"] = True
        tasks.reset_queue()


def test_a_certificate_batch_with_nothing_to_print_is_refused_with_a_reason(login_as, api_client):
    page = login_as(role=Role.BUREAU)
    refused = page.post("/recognitions/certificates", data={"fmt": "pdf", "kind": "d_class"})
    assert refused.status_code == 302 and refused.location == "/recognitions"
    assert "还没有已认定的D 类人才证书" in page.get("/recognitions").get_data(as_text=True)
    call = api_client(role=Role.BUREAU)
    bad = call("POST", "/api/v1/recognitions/certificates", json={"fmt": "doc", "kind": "x"})
    assert bad.status_code == 400 and set(bad.json["error"]["fields"]) == {"fmt", "kind"}
    assert (
        api_client(role=Role.SCHOOL_HR)(
            "POST", "/api/v1/recognitions/certificates", json={}
        ).status_code
        == 403
    )
    assert db.session.scalar(select(func.count(Task.id))) == 0

"""The installed package runs (#25): the wheel is built, installed into a fresh virtualenv and
run from a folder outside the checkout — an empty database upgraded, the demo loaded, served by
gunicorn, signed in — and shows the Chinese dashboard with its CSS."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import psycopg
import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout + done.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):  # type: ignore[no-untyped-def]
    """A fresh virtualenv with the wheel installed (its dependencies seen through the test
    environment's site-packages, so no download is needed)."""
    tmp = tmp_path_factory.mktemp("package")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUANGSHI", "DATABASE"))}
    # Built from a copy: setuptools leaves a build/ folder in the tree it builds.
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", "instance", "build", "*.egg-info", "__pycache__", ".pytest_cache",
        "node_modules"))  # fmt: skip
    _run([sys.executable, "-m", "pip", "wheel", str(source), "-w", str(tmp / "wheel"),
          "--no-deps", "--no-build-isolation", "-q"], tmp, env)  # fmt: skip
    wheel = next((tmp / "wheel").glob("shuangshi-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp, env)
    python = venv / "bin" / "python"
    purelib = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()["
                         "'purelib'])"], tmp, env).strip())  # fmt: skip
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(purelib)  # what pip does for a pure wheel, less the metadata
        names = archive.namelist()
    (purelib / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python, names, tmp


def test_the_wheel_carries_what_the_app_reads(installed):  # type: ignore[no-untyped-def]
    _python, names, _tmp = installed
    for expected in ("wsgi.py", "core/static/css/app.css", "core/migrations/env.py",
                     "core/migrations/versions/0019_imports.py", "core/templates/core/login.html",
                     "teachers/templates/teachers/index.html", "core/fonts/wqy-microhei.ttf",
                     "core/translations/zh_Hans_CN/LC_MESSAGES/messages.mo"):  # fmt: skip
        assert expected in names, expected
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    with zipfile.ZipFile(next((_tmp / "wheel").glob("*.whl"))) as archive:
        assert "shuangshi = core.console:main" in archive.read(entry_points).decode()


def test_installed_outside_the_checkout_it_migrates_serves_and_speaks_chinese(installed):  # type: ignore[no-untyped-def]
    python, _names, tmp = installed
    away = tmp / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUANGSHI", "DATABASE"))}
    env |= {"HOME": str(away), "PATH": f"{python.parent}:{env['PATH']}", "PYTHONPATH": ""}
    env.pop("XDG_DATA_HOME", None)
    database = None
    if os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"):
        base = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
        database = f"package_{os.getpid()}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database}")
            conn.execute(f"CREATE DATABASE {database}")
        env["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + database
    shuangshi = str(python.parent / "shuangshi")
    (python.parent / "shuangshi").write_text(
        f"#!{python}\nfrom core.console import main\nmain()\n"
    )  # the console script pip would write
    (python.parent / "shuangshi").chmod(0o755)
    # A broken start says why (`flask --app wsgi db` used to answer "No such command 'db'").
    production = env | {"SHUANGSHI_ENV": "production"}
    broken = subprocess.run([shuangshi, "db", "upgrade"], cwd=away, capture_output=True,
                            text=True, env=production, timeout=120)  # fmt: skip
    assert broken.returncode != 0 and "Set SECRET_KEY" in broken.stderr
    assert "No such command" not in broken.stderr
    try:
        _run([shuangshi, "db", "upgrade"], away, env)
        _run([shuangshi, "org", "init"], away, env)
        _run([shuangshi, "demo-data", "--if-empty"], away, env)
        if database is None:  # SQLite: in the per-user data folder, not in site-packages
            assert (away / ".local" / "share" / "shuangshi" / "shuangshi.db").is_file()
        port = _free_port()
        server = subprocess.Popen(
            [str(python), "-m", "gunicorn", "wsgi:app", "-b", f"127.0.0.1:{port}", "-w", "1"],
            cwd=away, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _signed_in_dashboard(f"http://127.0.0.1:{port}")
        finally:
            server.terminate()
            server.wait(timeout=20)
            assert server.stdout is not None
            server.stdout.close()
    finally:
        if database is not None:
            with psycopg.connect(base, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


def _signed_in_dashboard(base: str) -> None:
    opener = _signed_in(base, "bureau", check_login_page=True)
    page = opener.open(f"{base}/dashboard", timeout=30).read().decode()
    assert "数据看板" in page and "双师型" in page


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the several-process run is on PostgreSQL without Redis",
)
def test_web_workers_and_scheduler_on_postgresql_alone(installed):  # type: ignore[no-untyped-def]
    """Two web processes, two workers and the scheduler on PostgreSQL with no Redis: the queue
    is the database's; two certificate batches are each done once; every process logs JSON."""
    python, _names, tmp = installed
    away = tmp / "several"
    away.mkdir()
    base = os.environ["TEST_DATABASE_URL"].replace("postgresql+psycopg://", "postgresql://")
    database = f"several_{os.getpid()}"
    admin = base
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {database}")
        conn.execute(f"CREATE DATABASE {database}")
    url = base.rsplit("/", 1)[0] + "/" + database
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SHUANGSHI", "DATABASE"))}
    env |= {"HOME": str(away), "PYTHONPATH": "", "DATABASE_URL": url, "LOG_FORMAT": "json"}
    env.pop("REDIS_URL", None)
    cli = [str(python), "-c", "from core.console import main; main()"]
    processes: list[subprocess.Popen] = []
    logs = {}
    try:
        for step in (["db", "upgrade"], ["org", "init"], ["demo-data", "--if-empty"]):
            _run(cli + step, away, env)
        port = _free_port()
        commands = {
            "web": [str(python), "-m", "gunicorn", "-c", "python:core.gunicorn_conf", "wsgi:app"],
            "worker1": cli + ["worker", "--threads", "1"],
            "worker2": cli + ["worker", "--threads", "1"],
            "scheduler": cli + ["scheduler"],
        }
        for name, command in commands.items():
            logs[name] = (away / f"{name}.log").open("w")
            processes.append(subprocess.Popen(
                command, cwd=away, stdout=logs[name], stderr=subprocess.STDOUT,
                env=env | {"BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "2"},
            ))  # fmt: skip
        site = f"http://127.0.0.1:{port}"
        opener = _signed_in(site, "bureau")
        page = opener.open(f"{site}/recognitions", timeout=30).read().decode()
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        for fmt in ("zip", "pdf"):
            form = urllib.parse.urlencode(
                {"csrf_token": token, "fmt": fmt, "kind": "dual_qualified"}
            ).encode()
            opener.open(f"{site}/recognitions/certificates", data=form, timeout=30).read()
        deadline = time.monotonic() + 180
        with psycopg.connect(url, autocommit=True) as conn:
            while time.monotonic() < deadline:
                states = conn.execute("SELECT status, attempts FROM tasks").fetchall()
                if len(states) == 2 and all(s == "done" for s, _a in states):
                    break
                time.sleep(1)
            assert states == [("done", 1), ("done", 1)], states  # each done once
            queued = conn.execute("SELECT count(*) FROM huey_task").fetchone()[0]
            assert queued == 0  # the queue was the database's
        for _ in range(45):  # each worker beats as it starts, then every half minute
            health = json.loads(opener.open(f"{site}/healthz", timeout=10).read())
            if health["workers_seen"] == 2:
                break
            time.sleep(1)
        assert health["workers_seen"] == 2
        # Every process is still up: none fell over starting beside the others.
        assert [p.poll() for p in processes] == [None] * len(processes)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:  # pragma: no cover
                process.kill()
                process.wait()
        for handle in logs.values():
            handle.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    for name in commands:  # every process wrote JSON lines
        lines = [line for line in (away / f"{name}.log").read_text().splitlines()
                 if line.startswith("{")]  # fmt: skip
        assert lines, name
        for line in lines:
            json.loads(line)


def _signed_in(
    base: str, username: str, check_login_page: bool = False
) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    for _ in range(150):
        try:
            login = opener.open(f"{base}/login", timeout=5).read().decode()
            break
        except OSError:
            time.sleep(0.2)
    else:  # pragma: no cover
        raise AssertionError("gunicorn did not answer")
    if check_login_page:  # the Chinese page, its CSS served from the package
        assert "<h1>登录</h1>" in login
        css = opener.open(f"{base}/static/css/app.css", timeout=5)
        assert css.status == 200 and ".badge" in css.read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)  # type: ignore[union-attr]
    form = urllib.parse.urlencode(
        {"csrf_token": token, "username": username, "password": "shuangshi2025"}
    ).encode()
    opener.open(f"{base}/login", data=form, timeout=10).read()
    return opener

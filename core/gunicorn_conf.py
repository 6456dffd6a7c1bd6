"""gunicorn's settings for Shuangshi, shipped in the package:
`gunicorn -c python:core.gunicorn_conf wsgi:app`.

The access log is on, one JSON line per request on standard output (journald keeps it), beside
the application's own JSON lines; the request id joins the two."""

import multiprocessing
import os

# This machine only: the proxy in front reaches it here. To serve other machines (a proxy
# elsewhere), set BIND=0.0.0.0:8000 and let only the proxy through the firewall.
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", min(8, multiprocessing.cpu_count() * 2 + 1)))
limit_request_line = 8190  # the most gunicorn allows: the app answers past 4,096 (JSON 414)
timeout = 60  # a report or an export larger than a page answers as a background task
graceful_timeout = 30
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time":"%(t)s","remote":"%(h)s","method":"%(m)s","path":"%(U)s","query":"%(q)s",'
    '"status":%(s)s,"bytes":%(B)s,"duration_ms":%(M)s,"request_id":"%({x-request-id}o)s",'
    '"agent":"%(a)s"}'
)


def child_exit(_server, worker):  # type: ignore[no-untyped-def]
    """With PROMETHEUS_MULTIPROC_DIR, forget a dead worker's gauges (prometheus_client)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)

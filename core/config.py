"""Configuration classes, chosen by SHUANGSHI_ENV (development | production | testing)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent  # templates, static files, migrations, catalogs
PROJECT_ROOT = PACKAGE_ROOT.parent


def _instance_dir() -> Path:
    """Where the SQLite database, uploads and the embedded queue live: SHUANGSHI_INSTANCE; in a
    source checkout its `instance/`; installed, a per-user data folder (never site-packages)."""
    if os.environ.get("SHUANGSHI_INSTANCE"):
        return Path(os.environ["SHUANGSHI_INSTANCE"]).expanduser()
    if (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "wsgi.py").is_file():
        return PROJECT_ROOT / "instance"
    data = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data) / "shuangshi"


INSTANCE_DIR = _instance_dir()


def database_url(url: str | None) -> str:
    """Normalise DATABASE_URL so plain postgres URLs use the psycopg 3 driver."""
    if not url:
        return f"sqlite:///{INSTANCE_DIR / 'shuangshi.db'}"
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = database_url(os.environ.get("DATABASE_URL"))
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000"))

    # Logs and metrics (core.observability): JSON lines in production, text elsewhere.
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "text")
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    METRICS_ALLOW = [
        a.strip() for a in os.environ.get("METRICS_ALLOW", "127.0.0.1,::1").split(",") if a.strip()
    ]
    # The proxies whose X-Forwarded-For names the monitor (core.observability.monitor_address).
    METRICS_PROXY = [a.strip() for a in os.environ.get("METRICS_PROXY", "").split(",") if a.strip()]

    # The domain packages this installation runs, in dependency order (like INSTALLED_APPS).
    DOMAIN_PACKAGES = ["teachers", "placements", "competitions", "recognition", "dashboard"]

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    # "Remember me" lasts this long (OWASP ASVS 3.3: not a year), ended sooner by signing out.
    REMEMBER_COOKIE_DURATION = timedelta(days=int(os.environ.get("REMEMBER_DAYS", "14")))
    WTF_CSRF_TIME_LIMIT = None  # a form left open over lunch must still submit

    BABEL_DEFAULT_LOCALE = "zh_Hans_CN"
    BABEL_DEFAULT_TIMEZONE = "Asia/Shanghai"
    BABEL_TRANSLATION_DIRECTORIES = "translations"
    LANGUAGES = {"zh_Hans_CN": "中文", "en": "English"}
    TIMEZONE = "Asia/Shanghai"

    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER", str(INSTANCE_DIR / "uploads"))
    UPLOAD_MAX_BYTES = 10 * 1024 * 1024
    # Another TrueType font for the PDFs (checked; the shipped one is used if it falls short).
    PDF_FONT = os.environ.get("PDF_FONT") or None
    MAX_CONTENT_LENGTH = 12 * 1024 * 1024  # a form with one 10 MB file and its fields

    PASSWORD_HASH_METHOD = "scrypt"
    # Signed out after this long without a page (a shared office computer); 8 hours by default.
    IDLE_MINUTES = int(os.environ.get("IDLE_MINUTES", "480"))
    HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", "31536000"))  # sent only over HTTPS
    LOCKOUT_THRESHOLD = 5
    LOCKOUT_MINUTES = 15
    PER_PAGE = 25
    SCHEDULER_ENABLED = _flag("SCHEDULER_ENABLED", False)

    # Shared state for several machines: with REDIS_URL the task queue and the rate-limit
    # counters live in Redis; without it, the queue is a SQLite file in the instance folder
    # (one machine) and the counters are in the database.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    TASK_QUEUE_FILE = os.environ.get("TASK_QUEUE_FILE", str(INSTANCE_DIR / "tasks.db"))
    TASK_QUEUE_NAME = os.environ.get("TASK_QUEUE_NAME", "shuangshi")
    TASKS_IMMEDIATE = False  # run tasks inside the request that starts them (tests only)
    TASK_FILE_DAYS = 7  # a finished task's file can be downloaded this long
    TASK_LEASE_SECONDS = 300  # a running task not heard from this long lost its worker
    # The dashboard keeps its per-school figures and recomputes the schools each audited change
    # touches (dashboard/freshness.py); every school is recomputed after this long all the same,
    # the bound for a change made without the audit log (none should be). 0: every request.
    DASHBOARD_CACHE_SECONDS = int(os.environ.get("DASHBOARD_CACHE_SECONDS", "3600"))
    IMPORT_INLINE_ROWS = 300  # a confirmed import of more rows runs in the background
    # A city of 15,000 teachers downloads in about a second (core.xlsx_stream); a province
    # runs as a task.
    ROSTER_EXPORT_INLINE_ROWS = 20_000
    RATELIMIT_ENABLED = _flag("RATELIMIT_ENABLED", True)
    # Each limit as "hits/seconds"; unset, today's: sign-in 60 per address and 10 per account
    # in 10 minutes, the API 600 a minute per token (core.ratelimit).
    RATELIMIT_LOGIN_ADDR = os.environ.get("RATELIMIT_LOGIN_ADDR")
    RATELIMIT_LOGIN_USER = os.environ.get("RATELIMIT_LOGIN_USER")
    RATELIMIT_API_TOKEN = os.environ.get("RATELIMIT_API_TOKEN")
    # E-mail of notifications: off unless MAIL_SERVER is set. PUBLIC_URL starts the links.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = _flag("MAIL_USE_TLS", False)  # STARTTLS (port 587)
    MAIL_USE_SSL = _flag("MAIL_USE_SSL", False)  # SSL from the start (port 465)
    MAIL_CA_FILE = os.environ.get("MAIL_CA_FILE") or None  # a private authority to trust
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "shuangshi@localhost")
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))  # trusted X-Forwarded-* hops


class DevelopmentConfig(Config):
    pass


class ProductionConfig(Config):
    LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
    SESSION_COOKIE_SECURE = _flag("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE


class TestingConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False
    SECRET_KEY = "testing"
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashes keep the suite quick
    TASKS_IMMEDIATE = True
    LOG_LEVEL = "WARNING"  # a line per request would bury a failing test's own output
    RATELIMIT_ENABLED = False  # the suite signs in hundreds of times from one address
    REDIS_URL = None
    MAIL_SERVER = None
    DASHBOARD_CACHE_SECONDS = 0  # tests change records directly; the cache has its own test


CONFIGS = {
    "development": DevelopmentConfig,
    "production": ProductionConfig,
    "testing": TestingConfig,
}


def config_for(name: str | None) -> type[Config]:
    name = name or os.environ.get("SHUANGSHI_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"SHUANGSHI_ENV must be one of {', '.join(CONFIGS)}, not {name!r}"
        ) from None

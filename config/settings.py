"""Settings for the news archive: one module, every value from the environment.

The defaults run embedded (SQLite + a Whoosh index under ``var/``); see the
configuration table in README.md for every variable.
"""

import re
import secrets
from contextlib import suppress
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / "var")))
SEEDS_DIR = BASE_DIR / "seeds"
SHARED_DIR = Path(env_str("SHARED_DIR", str(BASE_DIR.parent / "shared")))

DEBUG = env_bool("DEBUG", True)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A development key, kept on disk so sessions survive restarts and are
    # shared by every worker process.
    key_file = DATA_DIR / "dev-secret-key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "archive",
    "search",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "config.middleware.GZipWithoutSecretsMiddleware",  # above CSRF: see its docstring
    "config.db_router.ReplicaReadsMiddleware",  # above sessions: they read the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'archive.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite makes the file, not its directory: a new DATA_DIR would fail to open. (Not
    # for a URI name or memory; when it cannot be made, SQLite's own error says why.)
    _name = str(DATABASES["default"]["NAME"])
    if _name != ":memory:" and not _name.startswith("file:"):
        with suppress(OSError):
            Path(_name).parent.mkdir(parents=True, exist_ok=True)
    # WAL and IMMEDIATE transactions let an ingest and a web request write
    # without "database is locked" errors; they wait instead. A connection is kept
    # between requests (as with PostgreSQL): opening one and setting WAL cost about
    # 0.7 ms of CPU and 3 ms of wall-clock time a request. Between requests it holds
    # no transaction, so it blocks neither writers nor checkpoints.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    # A connection broken while idle (a database restart, a failover) is noticed and
    # replaced before a request uses it, so the service recovers without a restart.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # An unreachable server is an error after 5 s rather than a request hanging until
    # gunicorn kills its worker (GUNICORN_TIMEOUT); ?connect_timeout=N in the URL wins.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)

# Read replicas (README "Read replicas"): each URL becomes an alias "replica1", "replica2"...
# with the primary's connection settings. config/db_router.py sends the reads of public
# GET requests to a healthy one and everything else to "default" (the primary). In tests a
# replica mirrors the test database, so the suite runs the same with replicas configured.
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS", [])
for _number, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=DATABASES["default"]["CONN_MAX_AGE"])
    if _replica["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS: every replica must be postgres://…")
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
if DATABASE_REPLICA_URLS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs a PostgreSQL DATABASE_URL.")
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
# A replica further behind the primary than this is skipped until it catches up.
REPLICA_MAX_LAG_SECONDS = env_float("REPLICA_MAX_LAG_SECONDS", 5.0)
# A replica's health (up, lag) is asked again after this long; in between it is remembered.
REPLICA_CHECK_SECONDS = env_float("REPLICA_CHECK_SECONDS", 2.0)
# After a request that wrote, that browser reads from the primary this long (a cookie).
REPLICA_STICKY_SECONDS = env_float("REPLICA_STICKY_SECONDS", 10.0)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:saved-searches"
LOGOUT_REDIRECT_URL = "web:search"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Search
SEARCH_BACKEND = env_str("SEARCH_BACKEND", "whoosh")
SEARCH_INDEX_DIR = Path(env_str("SEARCH_INDEX_DIR", str(DATA_DIR / "index")))
# Seconds between a web process's background retries of queued index changes (0: off).
SEARCH_OUTBOX_INTERVAL = env_int("SEARCH_OUTBOX_INTERVAL", 5)
# The budget of one search (search/budget.py): units of engine work, then milliseconds.
SEARCH_WORK_LIMIT = env_int("SEARCH_WORK_LIMIT", 300_000)
SEARCH_TIME_LIMIT = env_int("SEARCH_TIME_LIMIT_MS", 1000) / 1000
# Whoosh answers kept per web process until the index changes (0: none); see
# search/backends/whoosh/answers.py.
SEARCH_ANSWERS_KEPT = env_int("SEARCH_ANSWERS_KEPT", 256)
# Meaning-based search (search/semantic/): needs the `semantic` extra and a task worker
# to embed articles; off, nothing of it is loaded.
SEARCH_SEMANTIC = env_bool("SEARCH_SEMANTIC", False)

# Background tasks (django-tasks): alert matching and delivery run in `manage.py db_worker`.
# "database" queues them in the database (several workers may share it); "immediate" runs
# each task in the process that enqueues it (tests, or a site without a worker).
TASKS_BACKEND = env_str("TASKS_BACKEND", "database")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND={TASKS_BACKEND!r}: use database or immediate.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND]}}
# The worker's health check (manage.py worker_check) fails when a due task waited longer.
WORKER_MAX_LAG = env_int("WORKER_MAX_LAG", 120)
# Finished task results older than this are deleted by the worker (0 keeps them).
TASKS_RESULTS_KEEP_DAYS = env_int("TASKS_RESULTS_KEEP_DAYS", 7)

# Ingest
INGEST_MAX_FILE_BYTES = env_int("INGEST_MAX_FILE_BYTES", 50 * 1024 * 1024)
# Uploads (admin import page, POST /api/ingest/): a body declared larger than the larger of
# INGEST_MAX_FILE_BYTES and API_MAX_UPLOAD_BYTES is refused unread; below that, files over
# FILE_UPLOAD_MAX_MEMORY_SIZE are spooled to a randomly named temporary file in
# FILE_UPLOAD_TEMP_DIR (None: the system's), deleted when the request ends. Nothing else of
# an upload is ever written to disk, and its file name is never used as a path.
FILE_UPLOAD_HANDLERS = [
    "archive.api.parsers.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, 2.5 MB
FILE_UPLOAD_TEMP_DIR = None
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # form fields other than files
DATA_UPLOAD_MAX_NUMBER_FILES = 100  # files in one admin upload

# REST API (archive/api/)
API_PUBLIC_READS = env_bool("API_PUBLIC_READS", True)
# Anonymous clients' rates (archive/throttle.py); empty: unthrottled.
API_ANON_RATE = env_str("API_ANON_RATE", "120/min")
PAGES_ANON_RATE = env_str("PAGES_ANON_RATE", "60/min")  # search, outlet/tag/author pages, feed
EXPORT_ANON_RATE = env_str("EXPORT_ANON_RATE", "10/hour")  # GET /api/export/ (also counts as API)
for _name in ("API_ANON_RATE", "PAGES_ANON_RATE", "EXPORT_ANON_RATE"):
    if globals()[_name] and not re.fullmatch(
        r"[1-9]\d*/(s|sec|m|min|h|hour|d|day)", globals()[_name]
    ):
        raise ImproperlyConfigured(f"{_name}: use N/sec, N/min, N/hour, N/day (N > 0) or nothing")
NUM_PROXIES = env_int("NUM_PROXIES", 0)  # trusted proxies in front: who the client is
API_MAX_UPLOAD_BYTES = env_int("API_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
REST_FRAMEWORK = {
    # Token first: an anonymous request gets 401 with a WWW-Authenticate header,
    # a signed-in user without the permission gets 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["archive.api.permissions.ArchivePermission"],
    "DEFAULT_THROTTLE_CLASSES": ["archive.api.throttling.AnonThrottle"],
    "DEFAULT_PAGINATION_CLASS": "archive.api.pagination.PagePagination",
    "DEFAULT_SCHEMA_CLASS": "archive.api.schema.ArchiveAutoSchema",
    "EXCEPTION_HANDLER": "archive.api.exceptions.api_exception_handler",
    "PAGE_SIZE": 20,
    # JSON only: no HTML error pages under /api/ (the interactive docs are at /api/docs/).
    "DEFAULT_RENDERER_CLASSES": ["archive.api.renderers.FastJSONRenderer"],
    # ?format= is the ingest reader's name, not a renderer switch.
    "URL_FORMAT_OVERRIDE": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "News archive API",
    "DESCRIPTION": "Search, read and curate the news archive. Reads are public unless "
    "API_PUBLIC_READS=0; writes need a token or a session with the right permission.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "archive.api.schema.unicode_patterns",
    ],
    # The docs page loads Swagger UI from the installed sidecar package, never a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Alerts (archive/alerts/): e-mail through Django's SMTP backend, webhooks by urllib.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "News archive <archive@localhost>")
# The site's address as readers reach it: the links in e-mails and webhook bodies.
ALERTS_SITE_URL = env_str("ALERTS_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Webhooks must be https; this lets plain http reach loopback hosts only (dev and tests).
ALERTS_ALLOW_HTTP_WEBHOOKS = env_bool("ALERTS_ALLOW_HTTP_WEBHOOKS", DEBUG)
# Webhooks to private, link-local and reserved addresses (receivers inside the network
# this service runs in); off: only public addresses, and loopback while the above is on.
ALERTS_WEBHOOK_PRIVATE_ADDRESSES = env_bool("ALERTS_WEBHOOK_PRIVATE_ADDRESSES", False)
ALERTS_WEBHOOK_TIMEOUT = env_int("ALERTS_WEBHOOK_TIMEOUT", 10)  # seconds, connect and read
ALERTS_WEBHOOK_MAX_FAILURES = env_int("ALERTS_WEBHOOK_MAX_FAILURES", 10)  # then disabled
ALERTS_EMAIL_MAX_ATTEMPTS = env_int("ALERTS_EMAIL_MAX_ATTEMPTS", 10)  # then given up
ALERTS_RETRY_SECONDS = env_int("ALERTS_RETRY_SECONDS", 30)  # doubled each failure...
ALERTS_RETRY_MAX_SECONDS = env_int("ALERTS_RETRY_MAX_SECONDS", 3600)  # ...up to this
# A worker that took a dispatch and died leaves it to others after this long.
ALERTS_CLAIM_SECONDS = env_int("ALERTS_CLAIM_SECONDS", 120)
ALERTS_DIGEST_HOUR = env_int("ALERTS_DIGEST_HOUR", 7)  # local hour of daily/weekly digests
ALERTS_DIGEST_WEEKDAY = env_int("ALERTS_DIGEST_WEEKDAY", 0)  # weekly: 0 = Monday
ALERTS_BATCH = env_int("ALERTS_BATCH", 100)  # articles in one e-mail or POST at most

# Production (DEBUG off): secure by default for a site behind a TLS-terminating proxy;
# each value can be turned off for a plain-HTTP trial run (docker-compose.yml does).
# The proxy must set X-Forwarded-Proto itself (overwriting what the client sent).
_proxy_ssl_header = env_str("PROXY_SSL_HEADER", "" if DEBUG else "X-Forwarded-Proto")
if _proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
LOG_FORMAT = env_str("LOG_FORMAT", "plain" if DEBUG else "json")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r} is not 'plain' or 'json'.")

# JSON: uncaught exceptions and stray stderr lines become JSON objects too.
LOGGING_CONFIG = (
    "config.logging.configure_json" if LOG_FORMAT == "json" else "logging.config.dictConfig"
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
        "json": {"()": "config.logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            # JSON lines go to stdout for the container's log collector; plain text
            # stays on stderr so a command's own output (an export) is not mixed in.
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
        }
    },
    "filters": {"brief": {"()": "config.logging.Brief"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.security.DisallowedHost": {"filters": ["brief"]},
        # Its errors are about the page it was given (an empty tree), which ingest
        # reports per item: not errors of this service.
        "trafilatura": {"level": "CRITICAL"},
    },
}

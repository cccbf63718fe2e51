"""Servista settings: typed defaults, overridden by environment variables.

Environment:
  SERVISTA_HOME     data directory (SQLite file, secret key of the demo, collected static)
  DATABASE_URL      e.g. postgres://user@127.0.0.1:5432/servista; default SQLite in SERVISTA_HOME
  SECRET_KEY        required outside the demo
  ALLOWED_HOSTS     comma separated; default localhost names
  SERVISTA_DEMO     set by `servista demo`: generates and keeps a secret key, relaxes cookies
  SERVISTA_DEBUG    Django debug pages (only honoured together with SERVISTA_DEMO)
  SERVISTA_SECURE_COOKIES  secure session/CSRF cookies (default on outside the demo)
  SERVISTA_BROKER_URL      Celery broker (redis://...) for production workers
  SERVISTA_INCIDENT_AUTO_CLOSE_DAYS  days after resolution before an incident closes
  EMAIL_URL-like settings: SERVISTA_EMAIL_HOST, SERVISTA_EMAIL_PORT, SERVISTA_EMAIL_FROM
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}")
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def default_home() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("servista", appauthor=False))


BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("SERVISTA_HOME") or default_home()).expanduser()
DEMO = env_bool("SERVISTA_DEMO")
TESTING = env_bool("SERVISTA_TESTING")


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY", "")
    if key:
        return key
    key_file = HOME / "secret_key"
    if DEMO:
        HOME.mkdir(parents=True, exist_ok=True)
        if not key_file.exists():
            key_file.write_text(secrets.token_urlsafe(50))
            key_file.chmod(0o600)
        return key_file.read_text().strip()
    if key_file.exists():
        return key_file.read_text().strip()
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Set the SECRET_KEY environment variable "
        "(or run `servista demo`, which generates one under SERVISTA_HOME)."
    )


SECRET_KEY = _secret_key()
DEBUG = DEMO and env_bool("SERVISTA_DEBUG")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "axes",
    "csp",
    "ninja",
    "servista.accounts",
    "servista.core",
    "servista.catalog",
    "servista.cmdb",
    "servista.notifications",
    "servista.knowledge",
    "servista.sla",
    "servista.incidents",
    "servista.problems",
    "servista.portal",
    "servista.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "servista.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "servista.core.middleware.PreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "servista.core.middleware.AuditContextMiddleware",
    "servista.core.middleware.HtmxLoginRedirectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "servista.urls"
WSGI_APPLICATION = "servista.wsgi.application"

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
                "servista.core.context_processors.navigation",
            ],
        },
    },
]

# --- database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL") or f"sqlite:///{HOME / 'servista.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0 if TESTING else 600
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run beside the single writer; IMMEDIATE makes a
        # transaction take the write lock up front instead of failing mid-way.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SERVISTA_TEST_SQLITE") or None}
else:
    # Server-side binding lets psycopg prepare the statements a process
    # repeats (look-ups, inserts of the hot paths): PostgreSQL then skips
    # parsing and planning them.
    DATABASES["default"].setdefault("OPTIONS", {})
    # A database that does not answer fails a connection attempt in
    # seconds, not in minutes.
    DATABASES["default"]["OPTIONS"].setdefault(
        "connect_timeout", env_int("SERVISTA_DB_CONNECT_TIMEOUT", 5, minimum=1))
    DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
    DATABASES["default"]["OPTIONS"].setdefault("prepare_threshold", 5)
# Every connection (the "numbering" one too) is checked before its first use
# in each request or job, at almost no cost (core/backends): after the
# database dropped its connections, the next request runs on a new one.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "servista.core.backends.postgresql",
    "django.db.backends.sqlite3": "servista.core.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
if DATABASES["default"]["ENGINE"] == "servista.core.backends.postgresql":
    # Record numbers are taken on a connection of their own, in a short
    # transaction, so that the counter row is never locked for the length of
    # the transaction that creates the record (see core/numbering.py).
    # Its statements commit on their own (autocommit) without waiting for
    # the disk; see core/numbering.py for why that is safe.
    DATABASES["numbering"] = {
        **DATABASES["default"],
        "OPTIONS": {**DATABASES["default"]["OPTIONS"], "options": "-c synchronous_commit=off"},
        "TEST": {"MIRROR": "default"},
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- auth -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (django-axes, accounts/login_throttling.py): five failures
# lock the username+address pair for a quarter of an hour, and twenty
# failures from one address lock that address, whatever the usernames.
AXES_FAILURE_LIMIT = env_int("SERVISTA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT = env_int("SERVISTA_LOGIN_ADDRESS_FAILURE_LIMIT", 20,
                                               minimum=1)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "servista.accounts.login_throttling.LoginThrottle"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# --- security -------------------------------------------------------------

SECURE_COOKIES = env_bool("SERVISTA_SECURE_COOKIES", default=not DEMO)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = env_int("SERVISTA_HSTS_SECONDS", 0, minimum=0)
# Content-Security-Policy on every answer, pages and API alike (django-csp):
# scripts, styles, fonts and images only from Servista's own static files
# (all vendored), no inline script or style, no framing, forms posting only
# to Servista. Bootstrap draws a few icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# --- i18n / time ----------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("SERVISTA_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- static files ---------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = HOME / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    # Attachments: a folder in SERVISTA_HOME, or an S3-compatible bucket
    # (django-storages, `pip install django-storages[s3]`) when a bucket is named.
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": HOME / "attachments", "base_url": "/attachments/"},
    },
}
if os.environ.get("SERVISTA_ATTACHMENTS_S3_BUCKET"):
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["SERVISTA_ATTACHMENTS_S3_BUCKET"],
            "endpoint_url": os.environ.get("SERVISTA_ATTACHMENTS_S3_ENDPOINT") or None,
            "region_name": os.environ.get("SERVISTA_ATTACHMENTS_S3_REGION") or None,
            "access_key": os.environ.get("SERVISTA_ATTACHMENTS_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("SERVISTA_ATTACHMENTS_S3_SECRET_KEY") or None,
            "default_acl": "private",
            "file_overwrite": False,
        },
    }
# Assets are served straight from the apps' static folders (all vendored in
# the repository), so no collectstatic step is needed to run.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = HOME / "media"

# --- cache ----------------------------------------------------------------

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- email ----------------------------------------------------------------

if os.environ.get("SERVISTA_EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["SERVISTA_EMAIL_HOST"]
    EMAIL_PORT = env_int("SERVISTA_EMAIL_PORT", 25, minimum=1)
    EMAIL_USE_TLS = env_bool("SERVISTA_EMAIL_TLS")
    EMAIL_HOST_USER = os.environ.get("SERVISTA_EMAIL_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("SERVISTA_EMAIL_PASSWORD", "")
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = HOME / "mail"
DEFAULT_FROM_EMAIL = os.environ.get("SERVISTA_EMAIL_FROM", "servista@localhost")
# The service desk's mailbox: replies come back to it (with the record's
# number as a token: desk+INC0001001@…), and mail sent to it is read by the
# IMAP poller (SERVISTA_IMAP_*) or `servista mail-in`.
SERVISTA_MAIL_ADDRESS = os.environ.get("SERVISTA_MAIL_ADDRESS", "")
# Mail from an address nobody has: "create" a contact (a requester without a
# password) and log the record, or "refuse" with a reply saying so.
SERVISTA_MAIL_UNKNOWN_SENDERS = os.environ.get("SERVISTA_MAIL_UNKNOWN_SENDERS", "refuse")
SERVISTA_IMAP = {
    "HOST": os.environ.get("SERVISTA_IMAP_HOST", ""),
    "PORT": env_int("SERVISTA_IMAP_PORT", 993, minimum=1),
    "USER": os.environ.get("SERVISTA_IMAP_USER", ""),
    "PASSWORD": os.environ.get("SERVISTA_IMAP_PASSWORD", ""),
    "SSL": env_bool("SERVISTA_IMAP_SSL", default=True),
    "FOLDER": os.environ.get("SERVISTA_IMAP_FOLDER", "INBOX"),
    "TIMEOUT": env_int("SERVISTA_IMAP_TIMEOUT", 20, minimum=1),
    "EVERY": env_int("SERVISTA_IMAP_POLL_SECONDS", 60, minimum=5),
}
# Where people reach Servista: every link in a mail starts with it.
SERVISTA_SITE_URL = os.environ.get("SERVISTA_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Connecting to the mail server and each exchange with it give up after this
# many seconds: a silent server cannot hold the background worker.
EMAIL_TIMEOUT = env_int("SERVISTA_EMAIL_TIMEOUT", 10, minimum=1)

# --- background work ------------------------------------------------------

BROKER_URL = os.environ.get("SERVISTA_BROKER_URL", "")
CELERY_BROKER_URL = BROKER_URL
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"

# --- domain settings ------------------------------------------------------

SERVISTA = {
    "INCIDENT_AUTO_CLOSE_DAYS": env_int("SERVISTA_INCIDENT_AUTO_CLOSE_DAYS", 5, minimum=0),
    # Lists count exactly up to this many rows; past it the count is an estimate.
    "EXACT_COUNT_LIMIT": env_int("SERVISTA_EXACT_COUNT_LIMIT", 10000, minimum=1),
    "PAGE_SIZE": 25,
    # Seconds an authenticated API token is remembered by a process.
    "TOKEN_CACHE_SECONDS": env_int("SERVISTA_TOKEN_CACHE_SECONDS", 5, minimum=0),
    # Take record numbers on the "numbering" connection when there is one.
    "SEPARATE_NUMBERING": True,
    "MAX_PAGE_SIZE": 500,
    # Days between reviews of a published knowledge article.
    "KB_REVIEW_DAYS": env_int("SERVISTA_KB_REVIEW_DAYS", 180, minimum=1),
    # Days between re-assessments of an unresolved known error.
    "KNOWN_ERROR_REVIEW_DAYS": env_int("SERVISTA_KNOWN_ERROR_REVIEW_DAYS", 30, minimum=1),
    # Updates through the API must name the version they edited (If-Match,
    # or "version" in the body): 428 without it.
    "REQUIRE_IF_MATCH": env_bool("SERVISTA_REQUIRE_IF_MATCH"),
    # API requests a minute per token (or signed-in person); past it 429
    # with Retry-After. 0 turns throttling off.
    "API_RATE_LIMIT": env_int("SERVISTA_API_RATE_LIMIT", 1200, minimum=0),
    # Background work (core/tasks.py): how long a runner holds a claimed
    # job before another may take it over; how often the outbox relay looks
    # for due jobs, and its longest pause while the broker is away; after
    # how long a job sent to the broker but never received is sent again.
    "TASK_LEASE_SECONDS": env_int("SERVISTA_TASK_LEASE_SECONDS", 300, minimum=1),
    "OUTBOX_POLL_SECONDS": 1.0,
    "OUTBOX_MAX_BACKOFF_SECONDS": 60,
    "OUTBOX_RESEND_SECONDS": env_int("SERVISTA_OUTBOX_RESEND_SECONDS", 900, minimum=1),
    # Connecting to the broker and each read or write on it give up after this.
    "BROKER_TIMEOUT_SECONDS": env_int("SERVISTA_BROKER_TIMEOUT_SECONDS", 5, minimum=1),
    # Workers write a heartbeat this often; /healthz fails when the newest
    # is older than HEALTH_HEARTBEAT_SECONDS, or when a due job has waited
    # longer than HEALTH_OUTBOX_LAG_SECONDS.
    "HEARTBEAT_SECONDS": 10,
    "HEALTH_HEARTBEAT_SECONDS": env_int("SERVISTA_HEALTH_HEARTBEAT_SECONDS", 60, minimum=1),
    "HEALTH_OUTBOX_LAG_SECONDS": env_int("SERVISTA_HEALTH_OUTBOX_LAG_SECONDS", 300, minimum=1),
    # Attachments: the largest file taken, and the kinds of file taken (by
    # the ending of their name).
    "ATTACHMENT_MAX_BYTES": env_int("SERVISTA_ATTACHMENT_MAX_MB", 20, minimum=1) * 1024 * 1024,
    "ATTACHMENT_TYPES": env_list("SERVISTA_ATTACHMENT_TYPES", [
        "png", "jpg", "jpeg", "gif", "webp", "bmp", "pdf", "txt", "log", "csv", "json", "xml",
        "yaml", "yml", "md", "html", "eml", "msg", "doc", "docx", "xls", "xlsx", "ppt", "pptx",
        "odt", "ods", "odp", "rtf", "zip", "7z", "gz", "har", "pcap",
    ]),
}

# --- logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SERVISTA_LOG_LEVEL", "WARNING")},
    "loggers": {
        "servista": {"level": os.environ.get("SERVISTA_LOG_LEVEL", "INFO"), "propagate": True},
    },
}

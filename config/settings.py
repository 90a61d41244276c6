"""PlaceVoice settings: one file, every deployment difference read from the environment.

See README.md for what each variable does. With nothing set, PlaceVoice runs on an embedded
SQLite file with Celery tasks executed in-process and email printed to the console.
"""

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

# Lets the generic Django classes the type stubs describe be subscripted at run time
# (`admin.ModelAdmin[Insight]`, `forms.ModelForm[Event]`); it changes nothing else.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# Public, in the repository: good only for `make run` (DEBUG on). The `django-insecure-`
# prefix makes `check --deploy` name it too.
DEVELOPMENT_SECRET_KEY = (
    "django-insecure-placevoice-development-key-change-me-0123456789-abcdefghijklmnop"
)
SECRET_KEY = os.environ.get("SECRET_KEY", "").strip()
if not DEBUG and SECRET_KEY in ("", DEVELOPMENT_SECRET_KEY):
    # Anyone with the repository could sign sessions, password-reset links and cancel
    # tokens with the development key, and `check --deploy` cannot tell it is public.
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off: give it a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
    )
SECRET_KEY = SECRET_KEY or DEVELOPMENT_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "auditlog",
    "core",
    "contacts",
    "engagement",
    "insights",
    "evidence",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, as django-axes asks: it turns locked-out logins into a clear page.
    "axes.middleware.AxesMiddleware",
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
                "csp.context_processors.nonce",
                "core.context_processors.roles",
            ],
        },
    },
]

# Embedded default: a SQLite file next to manage.py. Production: DATABASE_URL=postgres://…
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several threads (the dev server, in-process tasks) share the file: wait, don't fail.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "engagement:home"
LOGOUT_REDIRECT_URL = "core:login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, far-future-cached names once `collectstatic` has run (production image);
        # plain names before that (dev server, tests), served from the finders.
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if (STATIC_ROOT / "staticfiles.json").exists() and not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Tests and the dev server run without collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Caches back the sign-up rate limit and login throttling; Redis when there is one.
REDIS_CACHE_URL = os.environ.get("REDIS_CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_CACHE_URL}
        if REDIS_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- Email -------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "sent-emails"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "PlaceVoice <no-reply@placevoice.local>")
# Who runs PlaceVoice (SPEC §3): named on public pages, emails, invitations and reports; the
# privacy notice gives the data-protection contact.
OPERATOR_NAME = os.environ.get("OPERATOR_NAME", "PlaceVoice demo council")
DATA_PROTECTION_CONTACT = os.environ.get("DATA_PROTECTION_CONTACT", "dpo@placevoice.local")

# --- Celery ------------------------------------------------------------------------------
# Unset broker: the embedded default runs tasks in-process (still after the commit).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
# A job is acknowledged only when it finishes, and given back if its worker dies, so a
# killed worker's summary or import is picked up by the next one (SPEC §4 "nothing is lost").
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = int(os.environ.get("CELERY_TASK_SOFT_TIME_LIMIT", "1500"))
CELERY_TASK_TIME_LIMIT = int(os.environ.get("CELERY_TASK_TIME_LIMIT", "1800"))
# Visibility timeout above the hard time limit, so Redis never redelivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {}
# Evidence summaries (SPEC §2): the last full month, requested on the 1st at 02:30 local time.
# Kept here rather than in django-celery-beat: the schedule is policy, reviewed and versioned
# with the code, and the job is idempotent if beat fires twice.
CELERY_BEAT_SCHEDULE["evidence-monthly-summary"] = {
    "task": "evidence.tasks.request_monthly_summary",
    "schedule": crontab(minute="30", hour="2", day_of_month="1"),
}
CELERY_BEAT_SCHEDULE["evidence-requeue-stalled-summaries"] = {
    "task": "evidence.tasks.requeue_stalled_summaries",
    "schedule": 10 * 60.0,
}
# Events (SPEC §2): day-before reminders (each event claimed once via reminder_sent_at), and
# a sweep that re-queues confirmations whose queuing failed (broker down at sign-up time).
CELERY_BEAT_SCHEDULE["engagement-event-reminders"] = {
    "task": "engagement.tasks.send_event_reminders",
    "schedule": 15 * 60.0,
}
CELERY_BEAT_SCHEDULE["engagement-resend-unsent-notices"] = {
    "task": "engagement.tasks.resend_unsent_notices",
    "schedule": 10 * 60.0,
}
# Personal data (SPEC §4): the retention rule of contacts.privacy.retention, monthly on the
# 2nd at 03:30.
CELERY_BEAT_SCHEDULE["contacts-personal-data-retention"] = {
    "task": "contacts.apply_retention",
    "schedule": crontab(minute="30", hour="3", day_of_month="2"),
}

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: an unauthenticated request then gets 401 with WWW-Authenticate (SPEC §3),
    # not the 403 that session authentication alone would give.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "EXCEPTION_HANDLER": "core.api.errors.exception_handler",
    # The browsable API's forms list at most this many rows of a related table (100,000
    # organisations at a combined authority); beyond it, ids go in the raw JSON form.
    "HTML_SELECT_CUTOFF": 100,
    "HTML_SELECT_CUTOFF_TEXT": "More than {count} items: give the id in the raw data form",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PlaceVoice API",
    "DESCRIPTION": "Stakeholder-engagement CRM for local economic development teams.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["core.permissions.IsAPIUser"],
    # Request and response shapes apart: read-only fields are not asked for, write-only ones
    # are not promised, and a field may be null on the way out only.
    "COMPONENT_SPLIT_REQUEST": True,
    # Self-hosted Swagger UI: no CDN, and no inline script for the CSP to refuse.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several models have a `kind` or `status`: name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "contacts.models.OrganisationKind",
        "OrganisationStatusEnum": "contacts.models.OrganisationStatus",
        "JobStatusEnum": "core.models.JobStatus",
        "ImportKindEnum": "contacts.models.ImportKind",
        "ImportFormatEnum": "contacts.models.ImportFormat",
        "InteractionKindEnum": "engagement.models.InteractionKind",
        "ActionStatusEnum": "engagement.models.ActionStatus",
        "EventKindEnum": "engagement.models.EventKind",
        "EventStatusEnum": "engagement.models.EventStatus",
        "RegistrationStatusEnum": "engagement.models.RegistrationStatus",
        "InsightKindEnum": "insights.models.InsightKind",
    },
}


# --- Security ----------------------------------------------------------------------------
# Proxies in front of the app that each append the address they saw to X-Forwarded-For.
# 0: the header is ignored and REMOTE_ADDR is the client (a client can write the header
# itself). Every limit keyed on the client address reads it through one rule
# (core.proxies.client_address): the token endpoint's throttle, the sign-up rate limit
# and the sign-in lock-outs.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more")
REST_FRAMEWORK["NUM_PROXIES"] = TRUSTED_PROXY_COUNT

# Lock-outs (django-axes): AXES_FAILURE_LIMIT failures from one address lock that
# (username, address) pair; AXES_USERNAME_FAILURE_LIMIT failures from any mix of addresses
# lock the username everywhere, so spreading guesses over many addresses does not help.
# The username lock lets anyone who knows a username keep its owner out; the cool-off
# bounds that to AXES_COOLOFF_HOURS after the last failure, which is why it stays short.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_USERNAME_FAILURE_LIMIT = int(os.environ.get("AXES_USERNAME_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))  # hours
# The handler reads these two in this order: the pair first, then the username alone.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username"]
AXES_HANDLER = "core.lockout.AccountAndAddressHandler"
AXES_CLIENT_IP_CALLABLE = "core.proxies.client_address"
AXES_RESET_ON_SUCCESS = True
# JSON for API clients, the GOV.UK page (registration/locked_out.html) for people.
AXES_LOCKOUT_CALLABLE = "core.lockout.lockout_response"
AXES_ENABLED = env_bool("AXES_ENABLED", True)
# Attempts are stored in a 255-character column that refuses NUL on PostgreSQL: the username
# is fitted to it, so junk typed into any login form is a failed sign-in, not a server error.
AXES_USERNAME_CALLABLE = "core.limits.axes_username"

SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "20/m")
# Days without activity after which a person's data is anonymised (contacts.privacy.retention);
# 0 turns the rule off. Six years by default, a common council retention period.
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "2190"))

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Secure whenever DEBUG is off, whatever SECURE_SSL_REDIRECT says: behind a TLS proxy the
# redirect is the proxy's, but the cookies must still never travel over plain HTTP.
# SESSION_COOKIE_SECURE=0 is for plain-HTTP test servers only, and `check --deploy` fails it.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = [
    # HSTS preload is a one-way commitment for a council's whole domain; left to the operator.
    "security.W021",
]
if not SECURE_SSL_REDIRECT and not DEBUG:
    # Off on purpose for a TLS-terminating proxy that already redirects (SPEC §3). Only the
    # redirect check: the cookie checks (W012, W016) still hold behind the proxy.
    SILENCED_SYSTEM_CHECKS += ["security.W008"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_client_error_tracebacks": {"()": "core.logging.NoTracebackForClientErrors"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_client_error_tracebacks"]}
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Django's own console handler (DEBUG only) would print every request warning a second
    # time beside the root's: its messages go to the root handler alone.
    "loggers": {"django": {"handlers": [], "propagate": True}},
}

# Audit trail (SPEC §4): who changed what, on every record holding personal data or evidence.
AUDITLOG_INCLUDE_TRACKING_MODELS = (
    "contacts.Organisation",
    "contacts.Person",
    "engagement.Interaction",
    "engagement.Action",
    "engagement.Event",
    "engagement.Registration",
    "insights.Theme",
    "insights.Insight",
    {"model": "evidence.EvidenceSummary", "exclude_fields": ["result", "progress", "updated"]},
    {"model": "auth.User", "exclude_fields": ["password", "last_login"]},
)

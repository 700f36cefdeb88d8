"""One settings file, read from the environment; it fails loudly when production is misconfigured.

Variables (all optional in development, see README "Configuration"):
  KEHOACH_DEBUG=1            development mode (never in production)
  KEHOACH_SECRET_KEY         required unless KEHOACH_DEBUG=1
  KEHOACH_ALLOWED_HOSTS      comma-separated host names (default: localhost, 127.0.0.1)
  KEHOACH_CSRF_TRUSTED_ORIGINS comma-separated origins behind a proxy (https://kehoach.example.vn)
  DATABASE_URL               postgres://user@host:5432/name; default SQLite in var/kehoach.sqlite3
  KEHOACH_VAR_DIR            where SQLite, uploads and logs live (default ./var)
  KEHOACH_EMAIL_HOST         SMTP server for reminders; without it mail is printed (console backend)
  KEHOACH_EMAIL_PORT, KEHOACH_EMAIL_HOST_USER, KEHOACH_EMAIL_HOST_PASSWORD,
  KEHOACH_EMAIL_USE_TLS (default 1), KEHOACH_EMAIL_USE_SSL, KEHOACH_EMAIL_FROM,
  KEHOACH_EMAIL_BACKEND      any Django mail backend (overrides the choice above)
  KEHOACH_REMINDER_DAYS      remind of tasks due within this many days (default 7)
  KEHOACH_MONITOR_USER_AGENT how the news fetcher names itself (give a contact address)
  KEHOACH_MONITOR_HOST_DELAY seconds between two requests to one news site
  KEHOACH_RAW_PAGE_RETENTION_DAYS  days a fetched news page is kept for audit (default 180)
  KEHOACH_PRIVACY_CONTACT    who answers personal-data requests (default: the unit running it)
  KEHOACH_HTTPS              1 (default in production): secure cookies, HTTPS redirect, HSTS
  KEHOACH_HSTS_SECONDS       Strict-Transport-Security max-age when HTTPS (default one year)
  KEHOACH_SESSION_HOURS      a sign-in lasts this many hours (default 8)
  KEHOACH_LOCKOUT_FAILURES   failed sign-ins (one username, one address) before a lockout (5)
  KEHOACH_CSP                enforce (default), report-only or off: the Content-Security-Policy
  KEHOACH_TRUSTED_PROXIES    comma-separated addresses/networks of our reverse proxies: only then is
                             X-Forwarded-For read for the client's address (default: none)
  KEHOACH_LOCKOUT_MINUTES    how long a lockout lasts (default 15); KEHOACH_LOCKOUT=0 turns it off
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("KEHOACH_VAR_DIR", Path.cwd() / "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = _env_bool("KEHOACH_DEBUG")
SECRET_KEY = os.environ.get("KEHOACH_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "KEHOACH_SECRET_KEY is not set. Set it to a long random string in production, "
            "or set KEHOACH_DEBUG=1 for local development (the demo does this for you)."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = _env_list("KEHOACH_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("KEHOACH_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",  # sign-in lockout after repeated failures (kehoach.accounts.security)
    "django_otp",  # optional second factor for administrators and plan managers
    "django_otp.plugins.otp_totp",  # (kehoach.accounts.otp): codes from an authenticator app
    "ninja",  # only for its bundled Swagger UI files: /api/docs works offline
    "auditlog",  # the audit trail's signal receivers (kehoach.audit keeps the entries)
    "kehoach.units",
    "kehoach.people",
    "kehoach.accounts",
    "kehoach.plans",
    "kehoach.activities",
    "kehoach.reports",
    "kehoach.monitoring",
    "kehoach.publishing",
    "kehoach.audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # Content-Security-Policy (KEHOACH_CSP, below)
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kehoach.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kehoach.audit.middleware.AuditMiddleware",  # who and from where, for every change recorded
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kehoach.accounts.security.SecurityHeadersMiddleware",
    # Last: turns a locked-out sign-in into the sign-in page with the lockout message (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kehoach.urls"
WSGI_APPLICATION = "kehoach.wsgi.application"
ASGI_APPLICATION = "kehoach.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

_default_sqlite = f"sqlite:///{VAR_DIR / 'kehoach.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_sqlite), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite is shared by the web and worker processes: wait for locks instead of failing at once.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 first; existing PBKDF2 hashes still verify and are re-hashed with Argon2 at the next
# sign-in (Django upgrades a hash when its hasher is not the first one).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The lockout backend first: it refuses a locked-out username+address before any password check.
AUTHENTICATION_BACKENDS = [
    "kehoach.accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout (django-axes): KEHOACH_LOCKOUT_FAILURES failed sign-ins for one username from one
# address lock that pair out for KEHOACH_LOCKOUT_MINUTES; a successful sign-in resets the count.
AXES_ENABLED = _env_bool("KEHOACH_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("KEHOACH_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("KEHOACH_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "kehoach.accounts.security.lockout_response"
# The address counted is the client's, read behind our own proxies only (accounts.security).
AXES_CLIENT_IP_CALLABLE = "kehoach.accounts.security.client_ip"
AXES_DISABLE_ACCESS_SUCCESS_LOG = True  # no log of every sign-in (personal data, grows forever)
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True  # serve straight from the package when collectstatic was not run
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KEHOACH_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Security (README "Security"). A sign-in expires KEHOACH_SESSION_HOURS after it was made.
SESSION_COOKIE_AGE = int(float(os.environ.get("KEHOACH_SESSION_HOURS", "8")) * 3600)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
_HTTPS = not DEBUG and _env_bool("KEHOACH_HTTPS", True)
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Reverse proxies in front of kehoach (addresses or networks, e.g. 127.0.0.1,10.0.0.0/8): only a
# request arriving from one of them has its X-Forwarded-For read for the client's address
# (lockout, audit trail). Empty: the header is ignored, since any client can write it.
KEHOACH_TRUSTED_PROXIES = _env_list("KEHOACH_TRUSTED_PROXIES", "")
for _proxy in KEHOACH_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"KEHOACH_TRUSTED_PROXIES: {_proxy!r} is not an address or a network "
            "(write e.g. 127.0.0.1,10.0.0.0/8)."
        ) from None
# Sent by kehoach.accounts.security.SecurityHeadersMiddleware: no page needs these features.
KEHOACH_PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)
# Content-Security-Policy (django-csp 4): scripts only from our own static files (htmx, Chart.js,
# the app's scripts; no inline <script> anywhere), no plugins, forms post only to us. Styles come
# only from our own files too: no template has a `style` attribute or a <style> block (scripts may
# still set element.style, which CSP does not block; htmx's own indicator <style> is turned off by
# the htmx-config meta of base.html, its rules are in app.css).
# KEHOACH_CSP=enforce (default), report-only (browsers only report breaches), or off.
_SUBMIT_ON_CHANGE_SHA256 = "'sha256-osjxnKEPL/pQJbFk1dKsF7PYFmTyMWGmVSiL9inhxJY='"
_CSP_DIRECTIVES = {
    "default-src": [SELF],
    # 'unsafe-hashes' lets exactly one inline handler through: onchange="this.form.submit()" on
    # the year and plan choosers (activities templates); nothing else inline runs.
    "script-src": [SELF, "'unsafe-hashes'", _SUBMIT_ON_CHANGE_SHA256],
    "style-src": [SELF],
    "img-src": [SELF, "data:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
}
_CSP_MODE = os.environ.get("KEHOACH_CSP", "enforce").strip().lower()
if _CSP_MODE == "report-only":
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _CSP_DIRECTIVES}
elif _CSP_MODE in {"off", "0", "no", "false"}:
    MIDDLEWARE.remove("csp.middleware.CSPMiddleware")
else:
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _CSP_DIRECTIVES}
if _HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # Operators' probes may call the health endpoint over plain HTTP inside the host.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("KEHOACH_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KEHOACH_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = _env_bool("KEHOACH_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Submitting the domain to the browsers' preload list is the operator's decision.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Audit trail (kehoach.audit): django-auditlog writes into our AuditEntry, with typed JSON values;
# loading fixtures and restores (raw saves) are not changes.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_DISABLE_ON_RAW_SAVE = True
# The library's own LogEntry table is swapped for ours: its migrations would still create it.
MIGRATION_MODULES = {"auditlog": None}

# Pagination size for lists in the web app and the API.
KEHOACH_PAGE_SIZE = int(os.environ.get("KEHOACH_PAGE_SIZE", "25"))
# Largest plan document the importer accepts (bytes); larger uploads are refused before reading.
KEHOACH_IMPORT_MAX_BYTES = int(os.environ.get("KEHOACH_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

# Mail (reminders). SMTP when a host is given; otherwise mail is printed by the console backend,
# which is what development wants and keeps a server without SMTP working.
EMAIL_HOST = os.environ.get("KEHOACH_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "KEHOACH_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("KEHOACH_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("KEHOACH_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KEHOACH_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_SSL = _env_bool("KEHOACH_EMAIL_USE_SSL")
EMAIL_USE_TLS = not EMAIL_USE_SSL and _env_bool("KEHOACH_EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = os.environ.get("KEHOACH_EMAIL_FROM", "kehoach@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Reminders cover tasks due within this many days, and overdue ones.
KEHOACH_REMINDER_DAYS = int(os.environ.get("KEHOACH_REMINDER_DAYS", "7"))
# News monitoring: how the fetcher names itself to news sites (give a contact address), and the
# pause between two requests to one host. Other limits: kehoach/monitoring/fetching.py.
if os.environ.get("KEHOACH_MONITOR_USER_AGENT"):
    KEHOACH_MONITOR_USER_AGENT = os.environ["KEHOACH_MONITOR_USER_AGENT"]
if os.environ.get("KEHOACH_MONITOR_HOST_DELAY"):
    KEHOACH_MONITOR_HOST_DELAY = float(os.environ["KEHOACH_MONITOR_HOST_DELAY"])
# Raw pages of news articles are kept this many days for audit, then deleted (the article's
# extracted text and analysis stay): they may name people, and nobody needs them for long.
KEHOACH_RAW_PAGE_RETENTION_DAYS = int(os.environ.get("KEHOACH_RAW_PAGE_RETENTION_DAYS", "180"))
# Who answers questions and requests about personal data (the page accounts:privacy).
if os.environ.get("KEHOACH_PRIVACY_CONTACT"):
    KEHOACH_PRIVACY_CONTACT = os.environ["KEHOACH_PRIVACY_CONTACT"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KEHOACH_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # not a line per sign-in; lockouts are still logged
    },
}

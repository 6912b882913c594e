"""One settings module, driven by the environment.

Defaults give the embedded setup (SQLite in WAL mode, local files, the job queue in
the database). Production sets DATABASE_URL=postgres://… and JUBAO_SECRET_KEY, and
points the vault at a key file kept off the database server.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JUBAO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("JUBAO_DEBUG", False)
SECRET_KEY = os.environ.get("JUBAO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("JUBAO_ALLOW_INSECURE_KEY", True):
        raise RuntimeError("JUBAO_SECRET_KEY must be set in production")
    # Embedded/dev default; production sets JUBAO_SECRET_KEY.
    SECRET_KEY = "jubao-embedded-development-key-change-me-in-production"

ALLOWED_HOSTS = [h for h in os.environ.get("JUBAO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("JUBAO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "jubao.accounts",
    "jubao.organisation",
    "jubao.taxonomy",
    "jubao.deadlines",
    "jubao.protection",
    "jubao.audit",
    "jubao.jobs",
    "jubao.notifications",
    "jubao.cases",
    "jubao.intake",
    "jubao.attachments",
    "jubao.imports",
    "jubao.open311",
    "jubao.registration",
    "jubao.triage",
    "jubao.duplicates",
    "jubao.routing",
    "jubao.supervision",
    "jubao.handling",
    "jubao.investigation",
    "jubao.feedback",
    "jubao.quality",
    "jubao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "jubao.urls"
WSGI_APPLICATION = "jubao.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jubao" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jubao.notifications.context_processors.unread",
                "jubao.intake.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("JUBAO_SQLITE_PATH", str(VAR_DIR / "jubao.sqlite3")),
            "OPTIONS": {
                # IMMEDIATE: a writer takes the lock at BEGIN, so two read-then-write
                # transactions queue on busy_timeout instead of failing with "locked".
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=20000;"
                ),
            },
        }
    }
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# A database-backed cache works across several web processes and machines
# (login throttling needs that); no extra server is required.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "jubao_cache",
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "cases:queue"
LOGOUT_REDIRECT_URL = "accounts:login"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("JUBAO_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LOGIN_THROTTLE_FAILURES = int(os.environ.get("JUBAO_LOGIN_THROTTLE_FAILURES", "5"))
LOGIN_THROTTLE_WINDOW_SECONDS = int(os.environ.get("JUBAO_LOGIN_THROTTLE_WINDOW", "900"))

# --- Languages ---------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
    ("zh-hant", "繁體中文"),
    ("ug", "ئۇيغۇرچە"),
]
# The public portal is in all four; staff pages in Simplified Chinese and English.
PORTAL_LANGUAGES = ["zh-hans", "zh-hant", "en", "ug"]
STAFF_LANGUAGES = ["zh-hans", "en"]
LOCALE_PATHS = [BASE_DIR / "jubao" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("JUBAO_TIME_ZONE", "Asia/Shanghai")
USE_TZ = True

# --- Static and media --------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("JUBAO_STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "jubao" / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("JUBAO_MEDIA_ROOT", VAR_DIR / "media"))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- Jubao ---------------------------------------------------------------------------------
# The vault's master keys never live in the database: a key file (JSON) or the environment.
JUBAO_VAULT_KEY_FILE = os.environ.get("JUBAO_VAULT_KEY_FILE", str(VAR_DIR / "keys" / "vault.json"))
JUBAO_VAULT_KEYS = os.environ.get("JUBAO_VAULT_KEYS", "")  # "kid:base64,kid2:base64"
JUBAO_VAULT_ACTIVE_KEY = os.environ.get("JUBAO_VAULT_ACTIVE_KEY", "")
JUBAO_VAULT_HMAC_KEY = os.environ.get("JUBAO_VAULT_HMAC_KEY", "")  # base64
JUBAO_VAULT_ALGORITHM = os.environ.get("JUBAO_VAULT_ALGORITHM", "aes-256-gcm")  # or "sm4-gcm"
JUBAO_AUDIT_HASH = os.environ.get("JUBAO_AUDIT_HASH", "sha256")  # or "sm3"
# Deadline lights: share of the allowed time used before a light turns yellow/orange/red.
JUBAO_LIGHT_THRESHOLDS = (0.5, 0.75, 0.9)
# Anonymous submissions per connection address per window, counted in process memory only.
JUBAO_SUBMISSIONS_PER_WINDOW = int(os.environ.get("JUBAO_SUBMISSIONS_PER_WINDOW", "20"))

# Triage: run in the request instead of a job; below this confidence a case goes to the "needs a person" queue.
JUBAO_TRIAGE_INLINE = env_bool("JUBAO_TRIAGE_INLINE", False)
JUBAO_TRIAGE_CONFIDENCE_THRESHOLD = float(os.environ.get("JUBAO_TRIAGE_CONFIDENCE_THRESHOLD", "0.6"))
# Duplicates: look-back windows (days) and the scores that suggest a merge or merge automatically.
JUBAO_DUPLICATE_WINDOW_DAYS = int(os.environ.get("JUBAO_DUPLICATE_WINDOW_DAYS", "90"))
JUBAO_REPEAT_WINDOW_DAYS = int(os.environ.get("JUBAO_REPEAT_WINDOW_DAYS", "365"))
JUBAO_DUPLICATE_SUGGEST_SCORE = float(os.environ.get("JUBAO_DUPLICATE_SUGGEST_SCORE", "0.35"))
JUBAO_DUPLICATE_AUTO_MERGE_SCORE = float(os.environ.get("JUBAO_DUPLICATE_AUTO_MERGE_SCORE", "0.9"))
# Routing: a case is dispatched without a person only when triage's classification is at least this sure
# (and the dispatch catalogue names exactly one lead department for it).
JUBAO_AUTO_DISPATCH_CONFIDENCE = float(os.environ.get("JUBAO_AUTO_DISPATCH_CONFIDENCE", "0.85"))
# Follow-ups (回访): every real-name reporter and a random 10 % of reachable anonymous ones. The sample is an HMAC
# of this seed and the tracking number, so the same seed always draws the same reporters (empty: from SECRET_KEY).
JUBAO_FOLLOWUP_SAMPLE_SEED = os.environ.get("JUBAO_FOLLOWUP_SAMPLE_SEED", "")
# The reply letter's font: a TrueType .ttf/.ttc; empty uses WenQuanYi Micro Hei from the paperang-p2-fonts-cjk package.
JUBAO_LETTER_FONT = os.environ.get("JUBAO_LETTER_FONT", "")
JUBAO_SUBMISSION_WINDOW_SECONDS = int(os.environ.get("JUBAO_SUBMISSION_WINDOW_SECONDS", "600"))
# The address the public reaches the portal at, for links in SMS and e-mail to reporters.
JUBAO_PUBLIC_URL = os.environ.get("JUBAO_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
JUBAO_WORKER_POLL_SECONDS = float(os.environ.get("JUBAO_WORKER_POLL_SECONDS", "1.0"))
JUBAO_SWEEP_INTERVAL_SECONDS = int(os.environ.get("JUBAO_SWEEP_INTERVAL_SECONDS", "60"))
JUBAO_NOTIFICATION_BACKENDS = {
    "email": os.environ.get("JUBAO_EMAIL_BACKEND", "jubao.notifications.backends.ConsoleEmailBackend"),
    "sms": os.environ.get("JUBAO_SMS_BACKEND", "jubao.notifications.backends.ConsoleSmsBackend"),
}
EMAIL_BACKEND = os.environ.get("JUBAO_DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("JUBAO_FROM_EMAIL", "jubao@localhost")

NINJA_PAGINATION_PER_PAGE = 50

# Reporter identity must never reach logs: Django's request logging would print
# URLs and bodies of failed requests, so error e-mails are off and the console
# handler prints only the message.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JUBAO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

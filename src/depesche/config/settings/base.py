"""Settings shared by every environment. Values come from config/env.py."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.utils.translation import gettext_lazy as _

from depesche.config import env, secret_files
from depesche.config.content_policy import media_origins
from depesche.config.database import database_settings
from depesche.config.email import email_settings, service_name
from depesche.config.storage import media_storage, serve_media
from depesche.config.tasks import rq_queues, tasks_apps, tasks_settings

DATA_DIR = env.data_dir()
PACKAGE_DIR = env.PACKAGE_DIR

SECRET_KEY = secret_files.secret_key()
# Secrets this data folder generated because the environment leaves them empty: fine on one
# machine; the production settings make them a `check --deploy` error (core/checks.py).
GENERATED_SECRETS = secret_files.generated_secrets()
REQUIRE_SHARED_SECRETS = False
DEBUG = env.get_bool("DEBUG")

BASE_URL = env.get_str("DEPESCHE_BASE_URL").rstrip("/")
WAGTAILADMIN_BASE_URL = BASE_URL
_base_host = urlsplit(BASE_URL).hostname or "localhost"
ALLOWED_HOSTS = env.get_list("ALLOWED_HOSTS") or [_base_host, "localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = [BASE_URL]

SITE_NAME = env.get_str("DEPESCHE_SITE_NAME")
WAGTAIL_SITE_NAME = SITE_NAME
TEASER_LENGTH = env.get_int("DEPESCHE_TEASER_LENGTH")
PAGE_SIZE = env.get_int("DEPESCHE_PAGE_SIZE")

INSTALLED_APPS = [
    "depesche.core",
    "depesche.newsroom",
    "depesche.readership",
    "depesche.audience",
    "depesche.delivery",
    "depesche.alerts",
    "depesche.podcast",
    "depesche.distribution",
    "depesche.ads",
    "depesche.sitesearch",
    "depesche.api",
    "depesche.audio",
    "depesche.digest",
    "depesche.wire",
    # `depesche bench …` (no models). The demo app is not here: the demo, dev and test
    # settings add it (DEMO_APPS); a deployed site never ships its mail catcher.
    "depesche.bench",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    *tasks_apps(env.get_str("TASKS_URL")),
    "anymail",
    # Serves the API docs' Swagger UI from our static files instead of a CDN.
    "ninja",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # Before anything reads REMOTE_ADDR: the client's address behind DEPESCHE_TRUSTED_PROXIES.
    "depesche.core.security.ForwardedForMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Innermost, so every middleware above still runs for a cached page (newsroom/pagecache.py).
    "depesche.newsroom.pagecache.PageCacheMiddleware",
]

# The composition root: the one place that imports every app's URLs.
ROOT_URLCONF = "depesche.site.urls"
WSGI_APPLICATION = "depesche.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "depesche.newsroom.context_processors.site_chrome",
                "depesche.audience.context_processors.reader",
            ],
        },
    },
]

DATABASES = {
    "default": database_settings(
        env.get_str("DATABASE_URL"), DATA_DIR, env.get_str("DEPESCHE_PG_OPTIONS")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# TASKS_URL empty: django-tasks-db (a table in the database); redis://…: RQ (depesche.core.rq).
TASKS = tasks_settings(env.get_str("TASKS_URL"))
RQ_QUEUES = rq_queues(env.get_str("TASKS_URL"))

# Shared by all web processes and workers (rate limits must hold across them).
CACHES = {"default": env.cache_settings(env.get_str("CACHE_URL"))}
# Public pages in that cache, invalidated on publish (newsroom/pagecache.py); an optional
# CDN/reverse proxy gets HTTP PURGEs for the changed pages.
PAGE_CACHE_SECONDS = env.get_int("DEPESCHE_PAGE_CACHE_SECONDS")
# URLs per sitemap file: the sitemaps protocol's limit. Above it, /sitemap.xml becomes a sitemap
# index of files with at most this many URLs each (distribution/sitemaps.py). Not an operator
# choice, so no environment variable; tests lower it.
SITEMAP_MAX_URLS = 50_000
if _frontend_cache_url := env.get_str("DEPESCHE_FRONTEND_CACHE_URL").strip():
    WAGTAILFRONTENDCACHE = {
        "proxy": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": _frontend_cache_url,
        }
    }
HASH_SALT = secret_files.hash_salt()

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = env.get_str("DEPESCHE_LANGUAGE")
LANGUAGES = [("de", _("Deutsch")), ("en", _("English"))]
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    # DEPESCHE_MEDIA_BUCKET set: media in that bucket (django-storages), see config/storage.py.
    "default": media_storage(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The embedded setup has no separate web server for uploads; a CDN or proxy replaces this.
# Media in a bucket are served from there (or its CDN), never by the app.
SERVE_MEDIA = serve_media()

_email, _anymail = email_settings(env.get_str("EMAIL_URL"))
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST") or "127.0.0.1"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
EMAIL_TIMEOUT = 30
MAIL_CATCHER = env.get_bool("DEPESCHE_MAIL_CATCHER")
MAIL_CATCHER_DIR = DATA_DIR / "mailbox"
DEFAULT_FROM_EMAIL = env.get_str("DEFAULT_FROM_EMAIL")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Owner address in the podcast feed (Apple asks for one).
PODCAST_OWNER_EMAIL = env.get_str("DEPESCHE_PODCAST_OWNER_EMAIL") or (
    DEFAULT_FROM_EMAIL.rsplit("<", 1)[-1].strip(" >")
)
# Web Push (RFC 8030/8291/8292): the key pair browsers subscribe with and requests are signed
# with, and who push services may contact about them.
VAPID_PRIVATE_KEY = secret_files.vapid_private_key()
VAPID_PUBLIC_KEY = secret_files.vapid_public_key(VAPID_PRIVATE_KEY)
VAPID_SUBJECT = env.get_str("DEPESCHE_VAPID_SUBJECT") or f"mailto:{PODCAST_OWNER_EMAIL}"
PUSH_CONNECTIONS = env.get_int("DEPESCHE_PUSH_CONNECTIONS")
# Push endpoints must be https on a public address: the worker POSTs to whatever a browser
# registers, so a private or loopback address would let anyone make it call inside our network.
# The test suite's push service stand-in listens on plain http on loopback.
PUSH_ALLOW_LOCAL_ENDPOINTS = False
# Bounces, complaints and unsubscribes reported by an email service (django-anymail) suppress
# the reader. Without a secret the webhook URLs are not routed at all (see site/urls.py):
# anymail itself would accept unauthenticated posts.
ANYMAIL = {"WEBHOOK_SECRET": env.get_list("ANYMAIL_WEBHOOK_SECRET"), **_anymail}
# The mailto: part of List-Unsubscribe, only where mail to it reaches us: through an email
# service's inbound webhook (/anymail/<service>/inbound/, depesche.delivery.webhooks), which
# needs the webhook secret. Plain SMTP has no inbound path: no mailto, the https link only.
UNSUBSCRIBE_MAILTO = (
    env.get_str("DEPESCHE_UNSUBSCRIBE_MAILTO")
    or "abmelden@" + DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(" >")
    if service_name(EMAIL_BACKEND) and ANYMAIL["WEBHOOK_SECRET"]
    else ""
)

# Wagtail's database backend; PostgreSQL stems with its German configuration, SQLite with our
# Snowball prefix fallback (sitesearch/backend.py). After changing SEARCH_CONFIG: `depesche
# update_index`.
WAGTAILSEARCH_BACKENDS = {
    "default": {"BACKEND": "depesche.sitesearch.backend", "SEARCH_CONFIG": "german"}
}
# Documents: office formats only (no HTML or SVG), at most 50 MB. Wagtail serves them as
# downloads, except PDF and plain text, which browsers show (with nosniff, never as HTML).
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "key", "odt", "pdf", "pptx", "rtf", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# Documents are always streamed by Wagtail's view after its privacy check, never linked or
# redirected to as plain files (config/storage.py keeps them out of /media/ and private in a
# bucket).
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Image uploads: raster formats only (SVG can carry scripts), checked by decoding them fully
# (depesche.core.uploads), at most 10 MB and 40 megapixels.
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
WAGTAILIMAGES_IMAGE_FORM_BASE = "depesche.core.uploads.CheckedImageForm"
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}
TAGGIT_CASE_INSENSITIVE = True

# Sign-up limits per client IP and per address (fixed windows in the shared cache).
RATE_SIGNUP_IP = "20/h"
RATE_SIGNUP_ADDRESS = "5/h"
# The reader cookie's name is a setting, like SESSION_COOKIE_NAME: it makes a page personal, and
# the page cache (newsroom) must know it without importing audience. The cookie and preference
# links expire after 30 days (every mail brings a new link); one-click unsubscribe links never
# do (depesche.audience.links).
READER_COOKIE_NAME = "depesche_leser"
READER_COOKIE_MAX_AGE = 30 * 24 * 3600
# Failed admin logins per client IP and per username; over either, the login is refused (429,
# without checking the password) until the window ends (depesche.core.security).
RATE_ADMIN_LOGIN_IP = "20/h"
RATE_ADMIN_LOGIN_USER = "5/h"
# Wrong passwords for a private page per client IP and per page (429 until the window ends),
# and "Passwort vergessen?" mails per client IP and per address.
RATE_PAGE_PASSWORD_IP = "20/h"
RATE_PAGE_PASSWORD_PAGE = "100/h"
RATE_PASSWORD_RESET_IP = "10/h"
RATE_PASSWORD_RESET_ADDRESS = "3/h"
# Networks of the reverse proxies whose X-Forwarded-For counts (core/net.forwarded_client).
TRUSTED_PROXIES = env.get_networks("DEPESCHE_TRUSTED_PROXIES")

# Alerts: attempts before a delivery is marked failed, first retry delay (doubling, with jitter),
# SMTP connections a worker keeps open at once.
ALERT_MAX_ATTEMPTS = env.get_int("DEPESCHE_ALERT_MAX_ATTEMPTS")
ALERT_RETRY_BASE_SECONDS = 30.0
ALERT_SMTP_CONNECTIONS = env.get_int("DEPESCHE_SMTP_CONNECTIONS")
ALERT_MAX_AGE_HOURS = env.get_int("DEPESCHE_ALERT_MAX_AGE_HOURS")
# Readers following a tag "täglich" or "wöchentlich" get one bundle at these Berlin times:
# a time, and (weekday 0 = Monday, time). Bad values stop the start with the variable's name.
ALERT_DAILY_AT = env.get_clock("DEPESCHE_ALERT_DAILY_AT")
ALERT_WEEKLY_AT = env.get_weekday_clock("DEPESCHE_ALERT_WEEKLY_AT")

# Speech: articles are read aloud after publication (DEPESCHE_ARTICLE_AUDIO). The voice:
# DEPESCHE_TTS_ENGINE, else Piper with a voice model, else SVOX Pico, else eSpeak NG.
ARTICLE_AUDIO = env.get_bool("DEPESCHE_ARTICLE_AUDIO")
PIPER_MODEL = env.get_str("DEPESCHE_PIPER_MODEL").strip()
PIPER_BINARY = env.get_str("DEPESCHE_PIPER_BINARY").strip() or "piper"
TTS_ENGINE = env.get_choice("DEPESCHE_TTS_ENGINE", ("pico", "espeak", "piper"))

# Wochenrückblick: built weekly at (weekday, time) Berlin time for the 7 days up to then; topics
# kept (at least, at most); summary length; optional OpenAI-compatible summariser.
DIGEST_AT = env.get_weekday_clock("DEPESCHE_DIGEST_AT")
DIGEST_AUTO_APPROVE = env.get_bool("DEPESCHE_DIGEST_AUTO_APPROVE")
DIGEST_MIN_TOPICS = env.get_int("DEPESCHE_DIGEST_MIN_TOPICS")
DIGEST_MAX_TOPICS = env.get_int("DEPESCHE_DIGEST_MAX_TOPICS")
DIGEST_SUMMARY_MAX_CHARS = 600
SUMMARY_URL = env.get_str("DEPESCHE_SUMMARY_URL").strip()
SUMMARY_MODEL = env.get_str("DEPESCHE_SUMMARY_MODEL")
# Stripped: a key read from a file ends with a line break, which no header may carry.
SUMMARY_API_KEY = env.get_str("DEPESCHE_SUMMARY_API_KEY").strip()
SUMMARY_TIMEOUT = float(env.get_int("DEPESCHE_SUMMARY_TIMEOUT"))

# Agency pictures (depesche.wire.images): the rendition chosen, and what a fetch may cost.
WIRE_IMAGE_MAX_WIDTH = env.get_int("DEPESCHE_WIRE_IMAGE_MAX_WIDTH")
WIRE_IMAGE_TIMEOUT = float(env.get_int("DEPESCHE_WIRE_IMAGE_TIMEOUT"))
WIRE_IMAGE_MAX_BYTES = env.get_int("DEPESCHE_WIRE_IMAGE_MAX_BYTES")

# Ads: the in-article slot follows this paragraph (after the body when there are fewer); a
# teaser list shows its native ad after this teaser (after the last of a shorter list).
ADS_BODY_AFTER_PARAGRAPH = env.get_int("DEPESCHE_ADS_BODY_AFTER_PARAGRAPH")
ADS_LIST_AFTER_TEASER = 4

# Run by `depesche worker` in loops of their own, every N seconds: (callable path, interval).
WORKER_LOOPS = [
    ("depesche.delivery.sending.work_once", 1.0),
    # Web Push on its own thread: a large mail fan-out never holds up a notification.
    ("depesche.delivery.push_sending.push_work_once", 0.5),
    ("depesche.alerts.bundles.bundles_work_once", 30.0),
    ("depesche.digest.services.digest_work_once", 30.0),
]

# Run by `depesche worker` every N seconds: (task path, interval).
# Agency push (/wire/<feed>/): the largest body accepted; pull: seconds between fetches.
WIRE_PUSH_MAX_BYTES = env.get_int("DEPESCHE_WIRE_PUSH_MAX_BYTES")
WIRE_POLL_INTERVAL = env.get_int("DEPESCHE_WIRE_POLL_INTERVAL")

# "Meistgelesen" (readership): the lists are recomputed every MOSTREAD_INTERVAL seconds from
# the hourly counts; a 24-hour list with fewer than MOSTREAD_SIZE articles or MOSTREAD_MIN_VIEWS
# reads falls back to 7 days; hourly counts older than MOSTREAD_KEEP_DAYS days are purged.
MOSTREAD_SIZE = 5
MOSTREAD_INTERVAL = env.get_int("DEPESCHE_MOSTREAD_INTERVAL")
MOSTREAD_MIN_VIEWS = env.get_int("DEPESCHE_MOSTREAD_MIN_VIEWS")
MOSTREAD_KEEP_DAYS = max(8, env.get_int("DEPESCHE_MOSTREAD_KEEP_DAYS"))

PERIODIC_TASKS = [
    ("depesche.audience.tasks.optins_purge_task", 3600),
    ("depesche.readership.tasks.mostread_refresh_task", MOSTREAD_INTERVAL),
    ("depesche.wire.tasks.wire_poll_task", WIRE_POLL_INTERVAL),
]

# Content-Security-Policy (django-csp) for the public site: scripts only from our own static
# files, no inline scripts, no eval, no nonces (pages are cached). Styles may be inline: the
# oEmbed HTML of editors' embeds and Swagger UI carry style attributes. Embeds are https
# iframes. The Wagtail admin (inline scripts in its widgets) and the demo's mail catcher (mails
# as foreign HTML) are left out. Images and audio may come from the media storage's origin.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/_mail/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *media_origins(STORAGES["default"], MEDIA_URL)],
        "media-src": ["'self'", *media_origins(STORAGES["default"], MEDIA_URL)],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["https:"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}
# Django's own security headers (SecurityMiddleware), stated rather than left to defaults.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Wagtail's preview panel frames previews itself with SAMEORIGIN; nothing else is framed.
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Readers' addresses never reach the log; bursts of one notice are summarised (core/logs.py).
    "formatters": {
        "plain": {
            "()": "depesche.core.logs.AddressMaskingFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
        }
    },
    "filters": {"repeats": {"()": "depesche.core.logs.RepeatsSummarised", "window": 60}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["repeats"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        # One line per meaningful event at INFO; task runs ("depesche.tasks") at DEBUG.
        "depesche": {"level": env.get_str("DEPESCHE_LOG_LEVEL").strip().upper()},
        # A line per task start and finish would drown the console (depesche.tasks has them at
        # DEBUG); failures still show, at ERROR with their traceback.
        "django_tasks": {"level": "WARNING"},
        "django_tasks_db": {"level": "WARNING"},
    },
}

"""Settings for the test suite: fast hashing, tasks run at once, static files from finders."""

from depesche.config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
LANGUAGE_CODE = "de"
BASE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = BASE_URL
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# One process: a local-memory cache keeps tests independent of the cache table.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The email service's webhooks are routed (config/urls.py) only with a secret.
ANYMAIL = {"WEBHOOK_SECRET": ["anymail-test:geheim"]}

"""Settings for the test suite: fast hashing, tasks run at once, static files from finders."""

from depesche.config.settings.base import *  # noqa: F403
from depesche.config.settings.base import INSTALLED_APPS

# The demo app: tests of the mail catcher and the `demo` command (tests/demo, tests/browser).
INSTALLED_APPS = [*INSTALLED_APPS, "depesche.demo"]
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run at once; with TASKS_URL (.ci/run, when Redis is reachable) through Redis and a real
# RQ worker in the test's thread (tests/support/rq.py: test-only code stays out of the package;
# the suite runs from the checkout, whose root is on sys.path).
TASKS = (
    {"default": {**TASKS["default"], "BACKEND": "tests.support.rq.BurstRQBackend"}}  # noqa: F405
    if RQ_QUEUES  # noqa: F405
    else {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
)
# pytest-xdist: each worker process has its own test database, so its jobs stay under its own
# Redis keys (tests.support.rq.NamespacedQueue); `depesche worker` processes a test starts
# inherit the variable (and get the checkout on PYTHONPATH).
import os  # noqa: E402

RQ_NAMESPACE = os.environ.get("PYTEST_XDIST_WORKER", "")
if RQ_NAMESPACE:
    for rq_queue in RQ_QUEUES.values():  # noqa: F405
        rq_queue["QUEUE_CLASS"] = "tests.support.rq.NamespacedQueue"
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
# The email service's webhooks are routed (site/urls.py) only with a secret.
ANYMAIL = {"WEBHOOK_SECRET": ["anymail-test:geheim"]}
# Publishing would synthesise speech in every test that runs on-commit callbacks; the audio
# tests (tests/audio/) switch it on.
ARTICLE_AUDIO = False

# SQLite tests run on a file, not Django's in-memory default: a worker started as a separate
# process (tests/delivery/test_reliability.py) must see the test database. One file per run.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    import os
    import tempfile

    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(tempfile.gettempdir(), f"depesche-test-{os.getpid()}.sqlite3")
    }

# Tests change content through the ORM, bypassing the page cache's invalidation; the cache's
# own tests (tests/newsroom/test_caching.py, tests/ads/test_admin.py) switch it on.
PAGE_CACHE_SECONDS = 0

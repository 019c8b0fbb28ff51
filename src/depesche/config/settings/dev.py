"""Settings for working on Depesche: debug pages on, mail printed to the console."""

import os

from depesche.config.settings.base import *  # noqa: F403

DEBUG = True
if "EMAIL_URL" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

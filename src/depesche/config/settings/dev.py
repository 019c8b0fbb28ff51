"""Settings for working on Depesche: debug pages on, mail printed to the console, the demo app."""

import os

from depesche.config.settings.base import *  # noqa: F403
from depesche.config.settings.base import INSTALLED_APPS

# `depesche demo` and the mail catcher at /_mail/ (with DEPESCHE_MAIL_CATCHER=true).
INSTALLED_APPS = [*INSTALLED_APPS, "depesche.demo"]

DEBUG = True
if "EMAIL_URL" not in os.environ:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

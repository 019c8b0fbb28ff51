"""`depesche demo`: production settings plus the demo app (its command, the local mail catcher
at /_mail/).

The demo is served over plain http on 127.0.0.1, whatever DEPESCHE_BASE_URL says: no https
redirect, no HSTS (which would stick to 127.0.0.1 in the browser for a year), cookies over http.
"""

from depesche.config.settings.production import *  # noqa: F403
from depesche.config.settings.production import INSTALLED_APPS

# The demo app: the `demo` command, the mail catcher and /_mail/ (never in production).
INSTALLED_APPS = [*INSTALLED_APPS, "depesche.demo"]
MAIL_CATCHER = True
# One machine: the secrets generated in the data folder are shared by all its processes.
REQUIRE_SHARED_SECRETS = False

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = False
SECURE_HSTS_PRELOAD = False

"""Settings for a deployed site: DEBUG off unless DEBUG=true; never the mail catcher."""

from depesche.config.settings.base import *  # noqa: F403

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
# /_mail/ shows every caught message; it must never be reachable on a real site.
MAIL_CATCHER = False

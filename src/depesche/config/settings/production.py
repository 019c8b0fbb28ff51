"""Settings for a deployed site and for `depesche demo`: DEBUG off unless DEBUG=true."""

from depesche.config.settings.base import *  # noqa: F403

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"

"""Settings for a deployed site: DEBUG off unless DEBUG=true; never the mail catcher.

TLS ends at the reverse proxy (docs/deploy.md). When DEPESCHE_BASE_URL is https, the proxy's
X-Forwarded-Proto says whether a request came in over https; plain http is redirected, cookies
are sent over https only, and browsers are told (HSTS) to use nothing but https for a year.
With an http base URL (`depesche demo` on 127.0.0.1) none of that applies.
"""

from depesche.config.settings.base import *  # noqa: F403
from depesche.config.settings.base import BASE_URL

HTTPS = BASE_URL.startswith("https://")

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# /_mail/ shows every caught message; it must never be reachable on a real site.
MAIL_CATCHER = False
# Web and worker machines must sign and hash alike: a link a worker mails must open on the web
# machine, and an erased address must hash the same everywhere. So SECRET_KEY and
# DEPESCHE_HASH_SALT come from the environment; `check --deploy` refuses generated ones.
REQUIRE_SHARED_SECRETS = True

if HTTPS:
    # Trusted only because the proxy sets (or overwrites) this header on every request.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    # Subdomains of the site's own host (e.g. of www.example.de) are ours as well. "preload"
    # only takes effect if the publisher submits the apex domain to the browsers' list.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

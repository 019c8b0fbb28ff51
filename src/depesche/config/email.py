"""EMAIL_URL: an SMTP relay (smtp://…), Django's console backend, or an email service's API
through django-anymail (mailgun://API_KEY@?api_url=…, postmark://TOKEN@, sendgrid://KEY@ …).
Amazon SES is left out: its anymail backend needs boto3, which Depesche does not install."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_email_url

# Anymail backends reachable through EMAIL_URL; the key goes in the URL's user part.
SERVICES = {
    "brevo": "API_KEY",
    "mailgun": "API_KEY",
    "mailjet": "API_KEY",
    "postmark": "SERVER_TOKEN",
    "resend": "API_KEY",
    "sendgrid": "API_KEY",
    "sparkpost": "API_KEY",
}


def email_settings(url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(Django EMAIL_* settings, ANYMAIL entries) for an EMAIL_URL."""
    scheme = url.partition("://")[0].lower()
    if scheme not in SERVICES:
        parsed = dj_email_url.parse(url)
        if "EMAIL_BACKEND" not in parsed:
            known = ", ".join(["smtp", "smtps", "console", *SERVICES])
            raise ValueError(f"EMAIL_URL: unknown scheme {scheme!r}; use one of {known}")
        return parsed, {}
    parts = urlsplit(url)
    prefix = scheme.upper()
    anymail: dict[str, Any] = {}
    if SERVICES[scheme] and parts.username:
        anymail[f"{prefix}_{SERVICES[scheme]}"] = unquote(parts.username)
    if parts.password:  # mailjet://API_KEY:SECRET_KEY@
        anymail[f"{prefix}_SECRET_KEY"] = unquote(parts.password)
    for name, value in parse_qsl(parts.query):
        # e.g. ?api_url=https://api.eu.mailgun.net/v3 → ANYMAIL["MAILGUN_API_URL"]
        anymail[f"{prefix}_{name.upper()}"] = value
    return {"EMAIL_BACKEND": f"anymail.backends.{scheme}.EmailBackend"}, anymail


def service_name(backend: str) -> str:
    """The anymail service of an EMAIL_BACKEND path ("mailgun"), or "" for other backends."""
    head, _, _ = backend.rpartition(".EmailBackend")
    return head.removeprefix("anymail.backends.") if head.startswith("anymail.backends.") else ""

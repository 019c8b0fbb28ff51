"""Every environment variable Depesche reads, in one place, typed, with its default.

The README's configuration table documents the same variables; `depesche env` prints them with
their values (secrets masked) and where each comes from (config/env_report.py). The generated
secrets are config/secret_files.py.
"""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path

# The checkout (or install) root: src/depesche/config/env.py -> three levels up from the package.
PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent


@dataclass(frozen=True)
class Var:
    name: str
    default: str
    doc: str
    # Never printed (`depesche env` masks it); URLs anywhere have their passwords masked.
    secret: bool = False


VARIABLES: list[Var] = [
    Var(
        "DEPESCHE_DATA_DIR",
        "./data",
        "Folder for the SQLite database, media, audio and caught mail.",
    ),
    Var(
        "DATABASE_URL",
        "",
        "Database URL; empty means SQLite in DEPESCHE_DATA_DIR "
        "(e.g. postgres://postgres@127.0.0.1:5432/depesche).",
    ),
    Var(
        "DEPESCHE_PG_OPTIONS",
        "-c max_parallel_workers_per_gather=0",
        "Settings PostgreSQL connections start with (added to an ?options= of DATABASE_URL); "
        "empty: none, e.g. behind a pooler that refuses them (PgBouncer); then set it for the "
        "role: ALTER ROLE … SET max_parallel_workers_per_gather = 0.",
    ),
    Var(
        "EMAIL_URL",
        "smtp://127.0.0.1:1025",
        "Outgoing mail: smtp://user:pass@host:port "
        "(append ?tls=1 for STARTTLS or ?ssl=1 for implicit TLS), console://, or an email "
        "service through django-anymail: mailgun://API_KEY@?api_url=https://api.eu.mailgun.net/v3, "
        "postmark://SERVER_TOKEN@, sendgrid://API_KEY@, brevo://, mailjet://, resend://, "
        "sparkpost:// (query parameters become ANYMAIL settings).",
    ),
    Var(
        "ANYMAIL_WEBHOOK_SECRET",
        "",
        "Basic-auth user:pass the email service sends with its tracking and inbound webhooks "
        "(/anymail/<service>/tracking/ and /inbound/; comma-separate two while rotating); "
        "empty: the webhooks are off.",
        secret=True,
    ),
    Var("DEFAULT_FROM_EMAIL", "Depesche <redaktion@depesche.invalid>", "Sender of all emails."),
    Var(
        "DEPESCHE_PODCAST_OWNER_EMAIL",
        "",
        "Owner email in the podcast feed; empty: the address of DEFAULT_FROM_EMAIL.",
    ),
    Var("DEPESCHE_BASE_URL", "http://127.0.0.1:8000", "Public origin used in links and emails."),
    Var(
        "SECRET_KEY",
        "",
        "Django secret key; required by the production settings and the same on every machine "
        "(`depesche generate-secret` makes one); empty: generated once and kept in "
        "DEPESCHE_DATA_DIR (one machine only).",
        secret=True,
    ),
    Var("DEBUG", "false", "Django debug mode (never in production)."),
    Var(
        "DEPESCHE_LOG_LEVEL",
        "INFO",
        "Depesche's log level: INFO writes one line per meaningful event, DEBUG adds every "
        "task run; WARNING only problems.",
    ),
    Var(
        "ALLOWED_HOSTS",
        "",
        "Comma-separated host names; empty: the host of DEPESCHE_BASE_URL, "
        "localhost and 127.0.0.1.",
    ),
    Var(
        "DEPESCHE_TRUSTED_PROXIES",
        "",
        "Comma-separated addresses or networks (CIDR) of the reverse proxies in front of the web "
        "processes, e.g. 127.0.0.1,10.0.0.0/8; X-Forwarded-For is read only from a peer in "
        "them; empty: the header is ignored and the peer address counts.",
    ),
    Var(
        "DEPESCHE_SITE_NAME", "Depesche", "Publication name shown in the header, titles and mails."
    ),
    Var("DEPESCHE_TEASER_LENGTH", "160", "Maximum characters of a teaser on teaser cards."),
    Var("DEPESCHE_PAGE_SIZE", "20", "Articles per page on section and tag pages."),
    Var("DEPESCHE_LANGUAGE", "de", "Default UI language (de or en)."),
    Var(
        "DEPESCHE_UNSUBSCRIBE_MAILTO",
        "",
        "Address in the mailto part of List-Unsubscribe; empty: abmelden@ plus the domain of "
        "DEFAULT_FROM_EMAIL. Offered only with an email service and ANYMAIL_WEBHOOK_SECRET: "
        "route that address to the service's inbound webhook /anymail/<service>/inbound/.",
    ),
    Var(
        "DEPESCHE_ALERT_MAX_ATTEMPTS",
        "8",
        "Send attempts for a tag alert (connection errors, SMTP 4xx) before it is marked failed.",
    ),
    Var(
        "DEPESCHE_ALERT_MAX_AGE_HOURS",
        "24",
        "Articles first published longer ago than this (e.g. an imported archive) send no "
        "tag alerts.",
    ),
    Var(
        "DEPESCHE_ALERT_DAILY_AT",
        "07:00",
        'Time (HH:MM, Europe/Berlin) of the daily bundle for tags followed "täglich".',
    ),
    Var(
        "DEPESCHE_ALERT_WEEKLY_AT",
        "Sa 07:00",
        "Weekday (Mo, Di, Mi, Do, Fr, Sa, So) and time (HH:MM, Europe/Berlin) of the weekly "
        'bundle for tags followed "wöchentlich".',
    ),
    Var(
        "DEPESCHE_SMTP_CONNECTIONS",
        "4",
        "SMTP connections (or email-service API connections) a delivery worker keeps open and "
        "sends over at once.",
    ),
    Var(
        "CACHE_URL",
        "db://",
        "Shared cache for rate limits and pages: db:// (a table in the database), "
        "redis://host:6379/0, or locmem:// (one process only).",
    ),
    Var(
        "DEPESCHE_PAGE_CACHE_SECONDS",
        "300",
        "Seconds public pages (home, sections, tags, articles) stay in CACHE_URL for readers "
        "without login or reader cookie; publishing invalidates them at once; 0 turns it off.",
    ),
    Var(
        "DEPESCHE_FRONTEND_CACHE_URL",
        "",
        "A CDN or reverse proxy (e.g. http://127.0.0.1:6081) that receives an HTTP PURGE for "
        "the article, home, section and tag pages after a publish or unpublish; empty: none.",
    ),
    Var(
        "TASKS_URL",
        "",
        "Task queue: empty means the database (django-tasks-db); redis://host:6379/0 means "
        "RQ on that Redis (django-tasks-rq), shared by workers on several machines.",
    ),
    Var(
        "DEPESCHE_MEDIA_BUCKET",
        "",
        "Bucket for media (images, article audio, podcast episodes) on S3 or S3-compatible "
        "storage; empty: DEPESCHE_DATA_DIR/media, served by the app.",
    ),
    Var(
        "DEPESCHE_MEDIA_ENDPOINT_URL",
        "",
        "Endpoint of an S3-compatible store (e.g. https://s3.fr-par.scw.cloud); empty: AWS S3.",
    ),
    Var("DEPESCHE_MEDIA_REGION", "", "Region of the bucket (e.g. eu-central-1)."),
    Var(
        "DEPESCHE_MEDIA_ACCESS_KEY",
        "",
        "Access key for the bucket; empty: boto3's usual sources (instance role, ~/.aws).",
    ),
    Var(
        "DEPESCHE_MEDIA_SECRET_KEY",
        "",
        "Secret key belonging to DEPESCHE_MEDIA_ACCESS_KEY.",
        secret=True,
    ),
    Var(
        "DEPESCHE_MEDIA_CUSTOM_DOMAIN",
        "",
        "Host (and path) media links point to instead of the bucket, e.g. a CDN "
        "(media.example.de).",
    ),
    Var(
        "DEPESCHE_HASH_SALT",
        "",
        "Salt for hashed addresses on the suppression list and in erased consent records; "
        "required by the production settings and the same on every machine "
        "(`depesche generate-secret`); empty: generated once and kept in DEPESCHE_DATA_DIR "
        "(one machine only). Never change it once used.",
        secret=True,
    ),
    Var(
        "DEPESCHE_VAPID_PRIVATE_KEY",
        "",
        "Web Push: the VAPID private key (base64url, `depesche generate-vapid` prints a pair); "
        "required by the production settings and the same on every machine; empty: generated "
        "once and kept in DEPESCHE_DATA_DIR (one machine only). Changing it ends every "
        "browser's subscription.",
        secret=True,
    ),
    Var(
        "DEPESCHE_VAPID_PUBLIC_KEY",
        "",
        "Web Push: the VAPID public key belonging to DEPESCHE_VAPID_PRIVATE_KEY; empty: derived "
        "from it.",
    ),
    Var(
        "DEPESCHE_VAPID_SUBJECT",
        "",
        "Web Push: the contact push services may write to about our requests (mailto: or "
        "https: URL); empty: mailto: with DEFAULT_FROM_EMAIL's address.",
    ),
    Var(
        "DEPESCHE_PUSH_CONNECTIONS",
        "8",
        "Web Push: requests a worker sends at once.",
    ),
    Var(
        "DEPESCHE_MAIL_CATCHER",
        "false",
        "Show caught mail (DEPESCHE_DATA_DIR/mailbox) at /_mail/ under the dev settings; "
        "`depesche demo` always shows it, the production settings never.",
    ),
    Var(
        "DEPESCHE_ARTICLE_AUDIO",
        "true",
        'Read every article aloud after publication ("Artikel anhören", an MP3 made by the '
        "worker).",
    ),
    Var(
        "DEPESCHE_PIPER_MODEL",
        "",
        "Path to a Piper voice model (.onnx, its .onnx.json beside it); set (and "
        "DEPESCHE_TTS_ENGINE unset): Piper speaks.",
    ),
    Var(
        "DEPESCHE_TTS_ENGINE",
        "",
        "The voice: pico (SVOX Pico de-DE), espeak (eSpeak NG) or piper. Unset: piper when "
        "DEPESCHE_PIPER_MODEL is set, else pico when installed, else espeak.",
    ),
    Var("DEPESCHE_PIPER_BINARY", "piper", "The Piper program (a name on PATH or a path)."),
    Var(
        "DEPESCHE_DIGEST_AT",
        "Sa 07:00",
        "Weekday (Mo … So) and time (HH:MM, Europe/Berlin) the worker builds the "
        "Wochenrückblick of the 7 days up to then.",
    ),
    Var(
        "DEPESCHE_DIGEST_AUTO_APPROVE",
        "false",
        "Approve the Wochenrückblick right after it is built, without an editor's review.",
    ),
    Var("DEPESCHE_DIGEST_MIN_TOPICS", "5", "Topics the Wochenrückblick keeps at least (if any)."),
    Var("DEPESCHE_DIGEST_MAX_TOPICS", "7", "Topics the Wochenrückblick keeps at most."),
    Var(
        "DEPESCHE_SUMMARY_URL",
        "",
        "Base URL of an OpenAI-compatible API (e.g. https://api.example.org/v1, or "
        "http://127.0.0.1:8080/v1: plain http only to loopback) that writes the topic "
        "summaries; empty: extractive summaries (offline).",
    ),
    Var("DEPESCHE_SUMMARY_MODEL", "", "Model name sent to DEPESCHE_SUMMARY_URL."),
    Var(
        "DEPESCHE_SUMMARY_API_KEY",
        "",
        "Bearer token for DEPESCHE_SUMMARY_URL (if it needs one).",
        secret=True,
    ),
    Var(
        "DEPESCHE_SUMMARY_TIMEOUT",
        "20",
        "Seconds to wait for DEPESCHE_SUMMARY_URL per topic before falling back to extractive.",
    ),
    Var(
        "DEPESCHE_WIRE_PUSH_MAX_BYTES",
        "5242880",
        "Largest request body (bytes) an agency may push to /wire/<feed>/; larger: 413.",
    ),
    Var(
        "DEPESCHE_WIRE_POLL_INTERVAL",
        "60",
        "Seconds between the worker's fetches from every active agency feed with a URL "
        "(wireQ queue); it also queues again receipts whose processing was lost.",
    ),
    Var(
        "DEPESCHE_WIRE_IMAGE_MAX_WIDTH",
        "2048",
        "Agency pictures: the largest rendition up to this width (px) is fetched; the smallest "
        "wider one when none fits.",
    ),
    Var(
        "DEPESCHE_WIRE_IMAGE_TIMEOUT",
        "10",
        "Seconds to wait for an agency picture's server to connect and to send each part; "
        "a picture that fails is left out, the text is imported.",
    ),
    Var(
        "DEPESCHE_WIRE_IMAGE_MAX_BYTES",
        "10485760",
        "Largest agency picture fetched, in bytes (default 10 MB); larger ones are refused "
        "while downloading.",
    ),
    Var(
        "DEPESCHE_MOSTREAD_INTERVAL",
        "600",
        'Seconds between the worker\'s recomputations of the "Meistgelesen" lists.',
    ),
    Var(
        "DEPESCHE_MOSTREAD_MIN_VIEWS",
        "20",
        'Reads a "Meistgelesen" list needs in the last 24 hours (with 5 articles); fewer: '
        "the last 7 days count instead.",
    ),
    Var(
        "DEPESCHE_MOSTREAD_KEEP_DAYS",
        "8",
        "Days the hourly read counts are kept (at least 8: the 7-day fallback needs them); the "
        "daily counts of the Wochenrückblick stay.",
    ),
    Var(
        "DEPESCHE_ADS_BODY_AFTER_PARAGRAPH",
        "3",
        "The ad inside an article follows this paragraph; after the body when it has fewer.",
    ),
]

_DEFAULTS = {v.name: v.default for v in VARIABLES}


def get_str(name: str) -> str:
    return os.environ.get(name, _DEFAULTS[name])


def get_int(name: str) -> int:
    raw = get_str(name)
    try:
        return int(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {raw!r}") from exc


def get_bool(name: str) -> bool:
    raw = get_str(name).strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"{name} must be true or false, got {raw!r}")


def get_choice(name: str, choices: tuple[str, ...]) -> str:
    """One of `choices` (lower case), or "" when unset."""
    raw = get_str(name).strip().lower()
    if raw and raw not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)} or unset, got {raw!r}")
    return raw


_CLOCK = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
# German abbreviations, as readers and editors see weekdays; index = datetime.weekday().
WEEKDAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")


def get_clock(name: str) -> time:
    """A wall-clock time written HH:MM ("07:00")."""
    raw = get_str(name).strip()
    match = _CLOCK.fullmatch(raw)
    if match is None:
        raise ValueError(f"{name} must be a time written HH:MM (e.g. 07:00), got {raw!r}")
    return time(int(match[1]), int(match[2]))


def get_weekday_clock(name: str) -> tuple[int, time]:
    """A weekday and a time ("Sa 07:00") as (datetime.weekday(), time)."""
    raw = get_str(name).strip()
    day, _, clock = raw.partition(" ")
    match = _CLOCK.fullmatch(clock.strip())
    if day.lower() not in WEEKDAYS or match is None:
        raise ValueError(
            f"{name} must be a weekday (Mo, Di, Mi, Do, Fr, Sa, So) and a time HH:MM, "
            f"e.g. 'Sa 07:00', got {raw!r}"
        )
    return WEEKDAYS.index(day.lower()), time(int(match[1]), int(match[2]))


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

PROXIES_EXAMPLE = "127.0.0.1,10.0.0.0/8"


def parse_networks(name: str, raw: str) -> tuple[IPNetwork, ...]:
    """Comma-separated addresses or CIDR networks ("127.0.0.1,10.0.0.0/8"); empty: none.

    A bare number is refused: DEPESCHE_TRUSTED_PROXIES used to be a count of proxies, and
    reading "1" as an address list would silently trust nobody (or, worse, somebody).
    """
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        if item.isdigit():
            raise ValueError(
                f"{name} is now a list of proxy addresses, e.g. {PROXIES_EXAMPLE} "
                f"(not a number of proxies: got {raw!r}); leave it empty when no proxy is "
                "in front"
            )
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise ValueError(
                f"{name} must be comma-separated addresses or networks, e.g. "
                f"{PROXIES_EXAMPLE}; {item!r} is neither"
            ) from exc
    return tuple(networks)


def get_networks(name: str) -> tuple[IPNetwork, ...]:
    return parse_networks(name, get_str(name))


def get_list(name: str) -> list[str]:
    return [item.strip() for item in get_str(name).split(",") if item.strip()]


def data_dir() -> Path:
    path = Path(get_str("DEPESCHE_DATA_DIR"))
    if not path.is_absolute():
        path = PROJECT_DIR / path
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_settings(url: str) -> dict[str, object]:
    """Django's CACHES["default"] for CACHE_URL."""
    scheme = url.split("://", 1)[0]
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "depesche_cache",
            # Cached pages live here too: Django's default of 300 entries would evict them
            # long before they expire (it culls a third when full).
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise ValueError(f"CACHE_URL must start with db://, redis:// or locmem://, got {url!r}")

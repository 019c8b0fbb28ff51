"""SECRET_KEY, DEPESCHE_HASH_SALT and the VAPID key of Web Push: from the environment, else
generated once per data folder.

Every machine of a site must share both (the production settings require them from the
environment, core/checks.py); one machine (the demo, a laptop) may let them be generated and
kept in a file beside the database.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from depesche.config import vapid
from depesche.config.env import data_dir, get_str

# The secrets every machine of a site must share; unset, each is generated per data folder
# (file name beside it), which only suits one machine (the demo, a laptop).
SECRETS = {
    "SECRET_KEY": "secret_key",
    "DEPESCHE_HASH_SALT": "hash_salt",
    "DEPESCHE_VAPID_PRIVATE_KEY": "vapid_private_key",
}


def secret_file(name: str) -> Path:
    """Where the generated value of SECRETS[name] is kept (whether or not it exists yet)."""
    return data_dir() / SECRETS[name]


def new_secret() -> str:
    """A fresh random value for SECRET_KEY or DEPESCHE_HASH_SALT (`depesche generate-secret`).

    URL-safe characters only: it goes into env files and systemd units unquoted ($ and % would
    be expanded there), and its 67 characters pass Django's check of SECRET_KEY's strength.
    """
    return secrets.token_urlsafe(50)


def generated_secrets() -> list[str]:
    """The names of SECRETS the environment leaves empty, i.e. that this folder generates."""
    return [name for name in SECRETS if not get_str(name)]


def _new_value(name: str) -> str:
    return vapid.new_private_key() if name == "DEPESCHE_VAPID_PRIVATE_KEY" else new_secret()


def generated(name: str) -> str:
    """The configured value, else one generated on first start and kept beside the database.

    Created atomically and readable by the owner only from the start: the value is written to a
    temporary file opened with mode 0600, then hard-linked to its name, which fails if the name
    exists. Of processes starting at once (web and worker on one machine), the first link wins
    and every other process reads the winner's value, never a half-written file.
    """
    configured = get_str(name)
    if configured:
        return configured
    key_file = secret_file(name)
    if not key_file.exists():
        temporary = key_file.with_name(f".{key_file.name}.{secrets.token_hex(8)}")
        descriptor = os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(_new_value(name))
                out.flush()
                os.fsync(out.fileno())
            # Another process may have been first: then its value counts.
            with contextlib.suppress(FileExistsError):
                os.link(temporary, key_file)
        finally:
            temporary.unlink()
    return key_file.read_text().strip()


def secret_key() -> str:
    return generated("SECRET_KEY")


def hash_salt() -> str:
    return generated("DEPESCHE_HASH_SALT")


def vapid_private_key() -> str:
    return generated("DEPESCHE_VAPID_PRIVATE_KEY")


def vapid_public_key(private: str) -> str:
    """DEPESCHE_VAPID_PUBLIC_KEY, else the one belonging to `private` (a configured one must
    belong to it: core/checks.py)."""
    return get_str("DEPESCHE_VAPID_PUBLIC_KEY") or vapid.public_key(private)

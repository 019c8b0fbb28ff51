"""What `depesche env` prints: every variable of config/env.py with the value in effect (secrets
and the passwords in URLs masked) and where it comes from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from depesche.config import env, secret_files

MASK = "********"
ENVIRONMENT = "environment"
SECRET_FILE = "secret file"
DEFAULT = "default"
# The user information of a URL ("smtp://user:pass@host", "postmark://TOKEN@"): a password, or a
# lone user part, which email services use for their API key.
_USERINFO = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)(?P<userinfo>[^@/?#\s]*)@")


@dataclass(frozen=True)
class Current:
    name: str
    value: str  # masked where it is a secret
    source: str  # "environment", "secret file <path>" or "default"


def masked(value: str, *, secret: bool) -> str:
    """The value as `depesche env` may show it: secrets not at all (only whether one is set),
    URLs without their password (and without a user part that stands alone: an API key)."""
    if secret:
        return MASK if value else ""

    def hide(match: re.Match[str]) -> str:
        user, colon, _ = match["userinfo"].partition(":")
        return f"{match['scheme']}{user + ':' + MASK if colon else MASK}@"

    return _USERINFO.sub(hide, value)


def current(var: env.Var) -> Current:
    """Where the value of `var` comes from now: the environment (even when set to the empty
    string), else for SECRET_KEY and DEPESCHE_HASH_SALT the file generated beside the data
    (once it exists), else the default."""
    if var.name in os.environ:
        value, source = os.environ[var.name], ENVIRONMENT
    elif var.name in secret_files.SECRETS and secret_files.secret_file(var.name).exists():
        path = secret_files.secret_file(var.name)
        value, source = path.read_text().strip(), f"{SECRET_FILE} {path}"
    else:
        value, source = var.default, DEFAULT
    return Current(var.name, masked(value, secret=var.secret), source)


def report() -> list[Current]:
    """Every variable, in config/env.py's order."""
    return [current(var) for var in env.VARIABLES]

"""Every machine of a site signs and hashes alike when they share SECRET_KEY and
DEPESCHE_HASH_SALT: each process here is a machine of its own (its own data folder)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.env import production_env

MINT = """
import sys, django
django.setup()
from depesche.core.tokens import make_token
print(make_token("unsubscribe", {"s": sys.argv[1]}))
"""
READ = """
import sys, django
django.setup()
from depesche.core.tokens import TokenInvalid, read_token
try:
    print("accepted", read_token("unsubscribe", sys.argv[1])["s"])
except TokenInvalid:
    print("refused")
"""
HASH = """
import sys, django
django.setup()
from depesche.audience.services import address_hash
print(address_hash(sys.argv[1]))
"""


def machine(tmp_path: Path, name: str, **secrets: str) -> dict[str, str]:
    return production_env(tmp_path / name, **secrets)


def run(script: str, env: dict[str, str], argument: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", script, argument],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_link_signed_on_one_machine_opens_on_another_with_the_same_key(tmp_path):
    shared = {"SECRET_KEY": "geteilt-" + "x" * 60, "DEPESCHE_HASH_SALT": "salz-" + "y" * 60}
    token = run(MINT, machine(tmp_path, "worker", **shared), "leser-7f3a")

    assert run(READ, machine(tmp_path, "web", **shared), token) == "accepted leser-7f3a"
    other_key = {**shared, "SECRET_KEY": "anders-" + "z" * 60}
    assert run(READ, machine(tmp_path, "fremd", **other_key), token) == "refused"


def test_an_address_hashes_alike_on_every_machine_with_the_same_salt(tmp_path):
    shared = {"SECRET_KEY": "geteilt-" + "x" * 60, "DEPESCHE_HASH_SALT": "salz-" + "y" * 60}
    address = "Leserin@Example.de"

    on_worker = run(HASH, machine(tmp_path, "worker", **shared), address)
    on_web = run(HASH, machine(tmp_path, "web", **shared), address)
    other_salt = {**shared, "DEPESCHE_HASH_SALT": "anderes-salz-" + "z" * 60}

    assert on_worker == on_web
    assert run(HASH, machine(tmp_path, "fremd", **other_salt), address) != on_worker


def test_without_shared_secrets_each_machine_signs_for_itself(tmp_path):
    """What check --deploy prevents: generated keys differ per data folder."""
    token = run(MINT, machine(tmp_path, "worker"), "leser-7f3a")

    assert run(READ, machine(tmp_path, "worker"), token) == "accepted leser-7f3a"
    assert run(READ, machine(tmp_path, "web"), token) == "refused"

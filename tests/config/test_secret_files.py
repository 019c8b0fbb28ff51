"""config/secret_files.py: SECRET_KEY, DEPESCHE_HASH_SALT and the VAPID key generated once per
data folder."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from depesche.config import secret_files, vapid


def test_secret_key_is_generated_once_and_kept(monkeypatch, tmp_path):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_files.secret_key()
    assert len(first) >= 50
    assert secret_files.secret_key() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize(("name", "filename"), list(secret_files.SECRETS.items()))
def test_generated_secrets_are_the_owners_alone_whatever_the_umask(
    monkeypatch, tmp_path, name, filename
):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv(name, raising=False)
    previous = os.umask(0)  # a permissive umask must not widen the file
    try:
        value = secret_files.generated(name)
    finally:
        os.umask(previous)

    assert stat.S_IMODE((tmp_path / filename).stat().st_mode) == 0o600
    assert (tmp_path / filename).read_text() == value
    assert [path.name for path in tmp_path.iterdir()] == [filename]  # no temporary file left


def test_a_configured_secret_is_neither_generated_nor_reported(monkeypatch, tmp_path):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SECRET_KEY", "aus-der-umgebung")
    monkeypatch.delenv("DEPESCHE_HASH_SALT", raising=False)
    monkeypatch.setenv("DEPESCHE_VAPID_PRIVATE_KEY", "bqbaqQe87OWmnAS3u5Nqgmxa_bJUVE8-J__s9e9ulFU")

    assert secret_files.secret_key() == "aus-der-umgebung"
    assert secret_files.generated_secrets() == ["DEPESCHE_HASH_SALT"]
    assert not (tmp_path / "secret_key").exists()


# Each racer waits on its stdin; the test writes a fresh data folder to all of them at once
# (a barrier made of pipes), and each answers with the secrets it got and the files' modes.
RACER = """
import os, stat, sys
from depesche.config import secret_files, vapid
for line in sys.stdin:
    folder = line.strip()
    os.environ["DEPESCHE_DATA_DIR"] = folder
    key, salt = secret_files.secret_key(), secret_files.hash_salt()
    modes = [oct(stat.S_IMODE(os.stat(os.path.join(folder, name)).st_mode))
             for name in ("secret_key", "hash_salt")]
    print(key, salt, *modes, flush=True)
"""


def test_processes_starting_at_once_end_with_the_same_secrets(tmp_path):
    """Web process and worker starting together on one machine must not generate two keys."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "DEPESCHE_HASH_SALT", "DEPESCHE_DATA_DIR"}
    }
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(6)
    ]
    try:
        for round_ in range(40):
            folder = tmp_path / f"round-{round_}"
            for racer in racers:
                assert racer.stdin is not None
                racer.stdin.write(f"{folder}\n")
                racer.stdin.flush()
            answers = {racer.stdout.readline().strip() for racer in racers if racer.stdout}

            assert len(answers) == 1, f"round {round_}: the processes got {answers}"
            key, salt, key_mode, salt_mode = answers.pop().split()
            assert (key, salt) == (
                (folder / "secret_key").read_text(),
                (folder / "hash_salt").read_text(),
            )
            assert len(key) >= 50 and len(salt) >= 50
            assert (key_mode, salt_mode) == ("0o600", "0o600")
            assert sorted(path.name for path in folder.iterdir()) == ["hash_salt", "secret_key"]
    finally:
        for racer in racers:
            if racer.stdin:
                racer.stdin.close()
        for racer in racers:
            racer.wait(timeout=30)


def test_the_generated_vapid_key_is_a_key_and_its_public_half_derived(monkeypatch, tmp_path):
    monkeypatch.setenv("DEPESCHE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DEPESCHE_VAPID_PRIVATE_KEY", raising=False)
    monkeypatch.delenv("DEPESCHE_VAPID_PUBLIC_KEY", raising=False)
    private = secret_files.vapid_private_key()
    assert private == (tmp_path / "vapid_private_key").read_text()
    assert secret_files.vapid_private_key() == private  # kept, not made again
    public = secret_files.vapid_public_key(private)
    assert public == vapid.public_key(private) and len(vapid.b64url_decode(public)) == 65

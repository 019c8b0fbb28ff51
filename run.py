#!/usr/bin/env python3
"""Set up and run Depesche on a fresh Debian machine that has only python3.

    python3 run.py demo [--port 8000]   set up and run the demo on http://127.0.0.1:8000
    python3 run.py test [PYTEST ARGS]   set up and run ruff, mypy, lint-imports and the test suite

Creates (or reuses) the virtual environment .venv in this checkout, installs what is missing
(Debian packages too when run as root) and is safe to repeat.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PY = VENV / "bin" / "python"
STAMP = VENV / ".depesche-installed"
# Debian packages each command needs beyond python3: speech synthesis and MP3 encoding; the
# tests also drive Debian's Chromium (Playwright never downloads a browser here).
APT_PACKAGES: dict[str, list[str]] = {
    "demo": ["espeak-ng", "ffmpeg"],
    "test": ["espeak-ng", "ffmpeg", "chromium", "wrk"],
}


def say(message: str) -> None:
    print(f"[run.py] {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    subprocess.run(cmd, check=True, **kwargs)  # type: ignore[call-overload]


def apt_install(packages: list[str]) -> None:
    missing = [
        p
        for p in packages
        if subprocess.run(["dpkg", "-s", p], capture_output=True).returncode != 0
    ]
    if not missing:
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        sys.exit(
            f"Missing Debian packages: {' '.join(missing)}. "
            f"Install them (sudo apt-get install {' '.join(missing)}) and run again."
        )
    say(f"Installing Debian packages: {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run(["apt-get", "update", "-q"], env=env)
    run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env)


def ensure_venv() -> None:
    if PY.exists():
        return
    say(f"Creating virtual environment in {VENV}")
    if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode != 0:
        # Debian splits venv/ensurepip out of python3.
        shutil.rmtree(VENV, ignore_errors=True)
        apt_install(["python3-venv"])
        run([sys.executable, "-m", "venv", str(VENV)])


def ensure_installed() -> None:
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    say("Installing Python packages (first run takes a minute) …")
    run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    run([str(PY), "-m", "pip", "install", "-q", "-e", f"{ROOT}[test]"])
    STAMP.write_text(wanted)


def bin_(name: str) -> str:
    return str(VENV / "bin" / name)


def cmd_demo(args: list[str]) -> int:
    # Replace this process: Ctrl-C and SIGTERM then reach the demo directly, which stops
    # its web server and worker cleanly. Always the demo settings (the only ones besides dev
    # and test that install the demo app), even if the shell exports other ones; the demo
    # passes them on to its worker and web processes.
    os.chdir(ROOT)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "depesche.config.settings.demo"}
    os.execve(bin_("depesche"), [bin_("depesche"), "demo", *args], env)


def cmd_test(args: list[str]) -> int:
    env = {**os.environ, "DEPESCHE_DATA_DIR": str(ROOT / "data" / "test")}
    steps = [
        ("ruff check", [bin_("ruff"), "check", "src", "tests", "run.py"]),
        ("ruff format", [bin_("ruff"), "format", "--check", "src", "tests", "run.py"]),
        ("mypy", [bin_("mypy")]),
        # The apps' layers and "core and config import no domain app" (pyproject.toml).
        ("lint-imports", [bin_("lint-imports")]),
    ]
    for label, cmd in steps:
        say(label)
        if subprocess.call(cmd, cwd=ROOT, env=env) != 0:
            say(f"{label} failed")
            return 1
    say("pytest" + (" on " + env["DATABASE_URL"] if env.get("DATABASE_URL") else " on SQLite"))
    # One pytest process per core and one more (at most 5; each has its own test database):
    # many tests wait on a subprocess, a browser or a socket, and the extra process fills that
    # time (2 cores, quiet machine: 2,266 tests in 5:40 with 3 processes, 184 % CPU).
    if not any(a == "-n" or a.startswith(("-n", "--numprocesses")) for a in args):
        args = ["-n", str(min((os.cpu_count() or 1) + 1, 5)), *args]
    return subprocess.call([bin_("pytest"), *args], cwd=ROOT, env=env)


def main() -> int:
    commands = {"demo": cmd_demo, "test": cmd_test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        print(__doc__)
        return 2
    name, args = sys.argv[1], sys.argv[2:]
    apt_install(APT_PACKAGES[name])
    ensure_venv()
    ensure_installed()
    return commands[name](args)


if __name__ == "__main__":
    sys.exit(main())

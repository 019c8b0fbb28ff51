"""`depesche demo`: database, demo content, editor login, mail catcher, worker and site."""

from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.demo.ads import demo_ads_ensure
from depesche.demo.mailcatcher import MailCatcher
from depesche.demo.services import (
    date_shifter,
    demo_agency_ensure,
    demo_digest_ensure,
    demo_files,
    editor_ensure,
)
from depesche.newsroom.models import ArticlePage
from depesche.newsroom.services import site_setup
from depesche.wire.importing import import_files
from depesche.wire.management.commands.import_articles import print_report
from depesche.wire.rules import rules_defaults_create

DEMO_SETTINGS = "depesche.config.settings.demo"


def _die_with_parent() -> None:
    """In a child: get SIGTERM when the demo process dies, even by SIGKILL (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass  # not Linux: the demo's own shutdown still stops the children


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


class Command(BaseCommand):
    help = "Set up the demo (SQLite, demo articles, editor) and serve it until Ctrl-C."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="Web port (default 8000).")
        parser.add_argument(
            "--smtp-port",
            type=int,
            default=1025,
            help="Port of the local mail catcher (default 1025).",
        )
        parser.add_argument(
            "--setup-only",
            action="store_true",
            help="Prepare database and content, then exit without serving.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        host, port, smtp_port = options["host"], options["port"], options["smtp_port"]
        if not options["setup_only"]:
            for what, number, flag in (("web", port, "--port"), ("mail", smtp_port, "--smtp-port")):
                if not _port_free(host, number):
                    raise CommandError(
                        f"{what} port {host}:{number} is in use; pick another with {flag}"
                    )
        self._setup()
        if options["setup_only"]:
            return
        self._serve(host, port, smtp_port)

    def _setup(self) -> None:
        self.stdout.write(f"Data folder: {settings.DATA_DIR}")
        self.stdout.write("1/4 Migrating the database …")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("2/4 Creating home page, sections and legal pages …")
        site_setup(site_name=settings.SITE_NAME)
        rules = rules_defaults_create()
        agency = demo_agency_ensure()
        self.stdout.write(f"    {rules} Ressort-Zuordnungen added; agency „{agency.name}“")
        if ArticlePage.objects.exists():
            self.stdout.write("3/4 Demo articles already present, keeping the data.")
        else:
            files = demo_files()
            self.stdout.write(f"3/4 Importing demo articles from {len(files)} files …")
            report = import_files(files, transform=date_shifter(files), on_progress=self._progress)
            print_report(self, report)
            if report.failed:
                raise CommandError("demo content could not be imported completely")
        campaigns = demo_ads_ensure()
        self.stdout.write(f"    {campaigns} ad campaigns (fictional advertisers)")
        digest = demo_digest_ensure()
        if digest is not None:
            self.stdout.write(
                f"    Wochenrückblick {digest.week}: {digest.topics.count()} topics, "
                f"{digest.get_status_display()}; the worker reads it as a podcast episode"
            )
        self.stdout.write("4/4 Collecting static files …")
        call_command("collectstatic", interactive=False, verbosity=0)

    def _progress(self, done: int, total: int) -> None:
        if done % 10 == 0 or done == total:
            self.stdout.write(f"    {done}/{total} articles")

    def _serve(self, host: str, port: int, smtp_port: int) -> None:
        _, password = editor_ensure(password_file=settings.DATA_DIR / "demo-login.txt")
        agency = demo_agency_ensure()
        base_url = f"http://{host}:{port}"
        env = {
            **os.environ,
            "DEPESCHE_BASE_URL": base_url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "DEPESCHE_DATA_DIR": str(settings.DATA_DIR),
            "DJANGO_SETTINGS_MODULE": DEMO_SETTINGS,
        }
        # `kill PID` stops the demo as cleanly as Ctrl-C.
        signal.signal(signal.SIGTERM, _raise_interrupt)
        catcher = MailCatcher(settings.MAIL_CATCHER_DIR, port=smtp_port).start()
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "depesche.site.cli", "worker"],
                env=env,
                preexec_fn=_die_with_parent,
            ),
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "depesche.config.wsgi:application",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--log-level",
                    "warning",
                ],
                env=env,
                preexec_fn=_die_with_parent,
            ),
        ]
        self.stdout.write(
            self.style.SUCCESS(
                f"\nDepesche demo läuft / is running:\n"
                f"  Website:      {base_url}/\n"
                f"  Redaktion:    {base_url}/admin/  Login: redaktion / {password}\n"
                f"  Posteingang:  {base_url}/_mail/  (SMTP 127.0.0.1:{smtp_port})\n"
                f"  Agentur-Push: POST {base_url}/wire/{agency.slug}/  "
                f"Authorization: Bearer {agency.secret}\n"
                f"Stop with Ctrl-C.\n"
            )
        )
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            failed = [p.args for p in processes if p.poll() is not None]
            raise CommandError(f"a demo process stopped unexpectedly: {failed}")
        except KeyboardInterrupt:
            self.stdout.write("\nStopping …")
        finally:
            for p in processes:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in processes:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
            catcher.stop()

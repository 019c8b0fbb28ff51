"""`depesche bench fanout|push|podcast|speech|pages …`: benchmarks that print figures (JSON with
--json)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from depesche.audio.errors import SynthesisError
from depesche.bench import asr, fanout, pages, podcast, push, speech


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return number


class Command(BaseCommand):
    help = "Run a benchmark in a scratch database and print its figures."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="benchmark", required=True)
        fanout = commands.add_parser(
            "fanout",
            help="Publish an article to N followers and measure the alert fan-out.",
        )
        fanout.add_argument("--subscribers", type=_positive, default=10_000, help="default 10000")
        fanout.add_argument(
            "--tags", type=_positive, default=1, help="the article's tags, all followed (default 1)"
        )
        fanout.add_argument(
            "--workers", type=_positive, default=1, help="worker processes (default 1)"
        )
        fanout.add_argument(
            "--database-url",
            default="",
            help="a PostgreSQL server to run on (a scratch database is created there and "
            "dropped afterwards); default: a temporary SQLite file",
        )
        fanout.add_argument("--json", action="store_true", help="print one JSON object")
        fanout.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
        push_parser = commands.add_parser(
            "push",
            help="Publish an article followed by N browsers and measure the Web Push sending.",
        )
        push_parser.add_argument(
            "--subscribers", type=_positive, default=10_000, help="default 10000"
        )
        push_parser.add_argument(
            "--workers", type=_positive, default=1, help="worker processes (default 1)"
        )
        push_parser.add_argument(
            "--database-url",
            default="",
            help="a PostgreSQL server to run on (a scratch database is created there and "
            "dropped afterwards); default: a temporary SQLite file",
        )
        push_parser.add_argument("--json", action="store_true", help="print one JSON object")
        push_parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
        podcast = commands.add_parser(
            "podcast",
            help="Synthesise a fixed German text of about 1,000 words to MP3 and time it.",
        )
        podcast.add_argument(
            "--words", type=_positive, default=None, help="use only the first N words"
        )
        podcast.add_argument("--json", action="store_true", help="print one JSON object")
        speech_parser = commands.add_parser(
            "speech",
            help="Each engine reads the benchmark text (and --text files); a recogniser listens.",
        )
        speech_parser.add_argument(
            "--text",
            action="append",
            type=Path,
            default=[],
            metavar="FILE",
            help="a UTF-8 text file to read too (repeatable); the benchmark text is always read",
        )
        speech_parser.add_argument(
            "--engines",
            default="",
            help="comma-separated, e.g. pico,espeak (default: every engine available here)",
        )
        speech_parser.add_argument(
            "--asr-model",
            type=Path,
            default=None,
            metavar="DIR",
            help="a Whisper model in CTranslate2 format: measures cer and wer "
            "(needs pip install -e .[speech-bench])",
        )
        speech_parser.add_argument(
            "--transcripts",
            type=Path,
            default=None,
            metavar="DIR",
            help="write each spoken script and what the recogniser heard to this folder",
        )
        speech_parser.add_argument("--json", action="store_true", help="print one JSON object")
        pages = commands.add_parser(
            "pages",
            help="Serve N articles with gunicorn and load home, section, tag and article pages.",
        )
        pages.add_argument("--articles", type=_positive, default=1_000, help="default 1000")
        pages.add_argument(
            "--seconds", type=_positive, default=5, help="load per page and mode (default 5)"
        )
        pages.add_argument(
            "--connections", type=_positive, default=2, help="wrk connections (default 2)"
        )
        pages.add_argument(
            "--database-url",
            default="",
            help="a PostgreSQL server to run on (a scratch database, dropped afterwards); "
            "default: a temporary SQLite file",
        )
        pages.add_argument("--json", action="store_true", help="print one JSON object")
        pages.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["benchmark"] == "podcast":
            self.podcast(options)
            return
        if options["benchmark"] == "pages":
            self.pages(options)
            return
        if options["benchmark"] == "speech":
            self.speech(options)
            return
        if options["benchmark"] == "push":
            self.push(options)
            return
        opts = fanout.Options(
            subscribers=options["subscribers"],
            tags=options["tags"],
            workers=options["workers"],
            database_url=options["database_url"],
        )
        self.workers_benchmark(fanout, opts, options)

    def push(self, options: dict[str, Any]) -> None:
        opts = push.Options(
            subscribers=options["subscribers"],
            workers=options["workers"],
            database_url=options["database_url"],
        )
        self.workers_benchmark(push, opts, options)

    def workers_benchmark(self, module: Any, opts: Any, options: dict[str, Any]) -> None:
        """`bench fanout` and `bench push`: W worker processes in a scratch database. The outer
        run creates the database and starts the inner run (`--inner`) on it; the inner run
        measures and prints."""
        if not options["inner"]:
            if not opts.database_url and opts.workers > 1:
                raise CommandError(
                    "SQLite runs one worker; use --database-url postgres://… for more"
                )
            argv = [arg for arg in sys.argv[2:] if arg != "--inner"]
            code = module.run_outer(opts, argv)
            if code:
                raise CommandError(f"the benchmark failed (exit code {code})")
            return
        try:
            result = module.run_inner(opts)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")

    def pages(self, options: dict[str, Any]) -> None:
        opts = pages.Options(
            articles=options["articles"],
            seconds=options["seconds"],
            connections=options["connections"],
            database_url=options["database_url"],
        )
        try:
            if not options["inner"]:
                argv = [arg for arg in sys.argv[2:] if arg != "--inner"]
                code = pages.run_outer(opts, argv)
                if code:
                    raise CommandError(f"the benchmark failed (exit code {code})")
                return
            result = pages.run_inner(opts)
        except (RuntimeError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(json.dumps(result, indent=2))

    def podcast(self, options: dict[str, Any]) -> None:
        def progress(done: int, total: int) -> None:
            if done == total or done % 10 == 0:
                self.stderr.write(f"synthesised {done}/{total} (the last step is encoding)")

        try:
            result = podcast.run(max_words=options["words"], on_progress=progress)
        except SynthesisError as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value}")

    def speech(self, options: dict[str, Any]) -> None:
        names = [name.strip() for name in options["engines"].split(",") if name.strip()]
        names = names or speech.available_engines()
        if not names:
            raise CommandError("no speech engine here: install py-nanotts or espeak-ng")
        transcripts: Path | None = options["transcripts"]
        if transcripts is not None:
            try:
                transcripts.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise CommandError(f"--transcripts {transcripts}: {exc.strerror}") from exc
        try:
            texts = [speech.benchmark_text()]
            texts += [speech.text_from_file(path) for path in options["text"]]
            result = speech.run(
                engines=names,
                texts=texts,
                asr_model=options["asr_model"],
                transcripts=transcripts,
                say=self.stderr.write,
            )
        except (speech.TextError, asr.RecogniserError, SynthesisError) as exc:
            raise CommandError(str(exc)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(speech.table(result))

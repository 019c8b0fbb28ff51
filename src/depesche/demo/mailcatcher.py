"""A local SMTP server that keeps every message as an .eml file, for the demo and tests."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class _Handler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        name = f"{time.time_ns()}-{uuid.uuid4().hex[:8]}.eml"
        tmp = self.folder / f".{name}.tmp"
        tmp.write_bytes(envelope.original_content or envelope.content)
        tmp.rename(self.folder / name)  # readers never see half a message
        return "250 Message accepted"


class MailCatcher:
    """`with MailCatcher(folder, port=1025): …` runs an SMTP server on 127.0.0.1."""

    def __init__(self, folder: Path, *, host: str = "127.0.0.1", port: int = 1025) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self.controller = Controller(_Handler(folder), hostname=host, port=port)

    @property
    def port(self) -> int:
        return int(self.controller.port)

    def start(self) -> MailCatcher:
        self.controller.start()
        return self

    def stop(self) -> None:
        self.controller.stop()

    def __enter__(self) -> MailCatcher:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class CaughtMail:
    id: str
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def to(self) -> str:
        return str(self.message["To"] or "")

    @property
    def date(self) -> str:
        return str(self.message["Date"] or "")

    @property
    def html(self) -> str:
        return self.body("html")

    @property
    def html_with_base(self) -> str:
        # Links in the HTML part open in the main window, not inside the frame.
        return self.html.replace("<head>", '<head><base target="_top">', 1)

    @property
    def list_unsubscribe(self) -> str:
        return str(self.message["List-Unsubscribe"] or "")

    def body(self, subtype: str = "plain") -> str:
        part = self.message.get_body(preferencelist=(subtype,))
        return part.get_content() if part is not None else ""


def mailbox(folder: Path) -> list[CaughtMail]:
    """Caught messages, newest first."""
    if not folder.exists():
        return []
    mails = []
    parser = BytesParser(policy=policy.default)
    for path in sorted(folder.glob("*.eml"), reverse=True):
        with path.open("rb") as fh:
            message = parser.parse(fh)
        assert isinstance(message, EmailMessage)
        mails.append(CaughtMail(id=path.stem, message=message))
    return mails

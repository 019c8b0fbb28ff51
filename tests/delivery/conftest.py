"""A real SMTP server on loopback for the delivery tests, answering chosen recipients with
temporary or permanent errors."""

from __future__ import annotations

import pytest

from tests.support.smtp import Flaky


@pytest.fixture
def smtp(smtp_server):
    """Start a Flaky SMTP server (the suite's smtp_server); returns a function to build it."""

    def start(**kwargs) -> Flaky:
        handler = Flaky(**kwargs)
        smtp_server(handler)
        return handler

    return start


@pytest.fixture
def our_log_lines(caplog):
    """Every captured record but the test SMTP server's own (aiosmtpd logs the commands it
    receives), formatted with tracebacks: what Depesche itself wrote to the log."""

    def lines() -> str:
        return "\n".join(
            caplog.handler.format(record)
            for record in caplog.records
            if not record.name.startswith("mail.log")
        )

    return lines

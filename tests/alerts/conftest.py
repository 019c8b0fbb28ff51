"""The delivery tests' SMTP server on loopback and log filter serve the alerts' tests too (one
fixture each, defined once in tests/delivery/conftest.py)."""

from tests.delivery.conftest import our_log_lines, smtp

__all__ = ["our_log_lines", "smtp"]

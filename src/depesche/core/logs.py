"""The log formatter: every line written, tracebacks included, with mail addresses masked.

Delivery masks the errors it logs itself (core/text.mask_addresses); this catches the rest,
e.g. a confirmation mail refused inside a task, whose traceback quotes smtplib's error.
"""

from __future__ import annotations

import logging

from depesche.core.text import mask_addresses


class AddressMaskingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return mask_addresses(super().format(record))

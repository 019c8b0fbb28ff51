"""Spreadsheet exports from Wagtail listings (SpreadsheetExportMixin): safe for Excel and
LibreOffice, with times in Berlin time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from depesche.core.timefmt import berlin_iso, berlin_naive

CSV = SpreadsheetExportMixin.FORMAT_CSV
XLSX = SpreadsheetExportMixin.FORMAT_XLSX

# Characters that make a spreadsheet cell a formula (OWASP, "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: str) -> str:
    """Readers type addresses and send user agents, advertisers name campaigns: keep
    spreadsheets from running any of it as a formula."""
    return "'" + value if value[:1] in FORMULA_STARTS else value


# `custom_field_preprocess` for a datetime column: ISO 8601 with offset in CSV, the Berlin
# wall-clock time in XLSX (which has no time zones).
DATETIME_EXPORT: dict[str, Callable[[Any], Any]] = {CSV: berlin_iso, XLSX: berlin_naive}

# `custom_value_preprocess` that neutralises formulas in every text cell of a CSV export.
# (For XLSX, Wagtail's generate_xlsx_row already turns a detected formula back into text.)
SAFE_VALUE_PREPROCESS: dict[type, dict[str, Callable[[Any], Any]]] = {
    **SpreadsheetExportMixin.custom_value_preprocess,
    str: {CSV: csv_safe},
}

"""Depesche: a news publishing platform for German-language newsrooms."""

__version__ = "0.1.0"

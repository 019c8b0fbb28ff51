"""The mail catcher's inbox shows every message: production settings must never expose it."""

import importlib
import sys

import pytest


def _fresh(module: str):
    sys.modules.pop(module, None)
    return importlib.import_module(module)


def test_production_settings_never_enable_the_mail_catcher(monkeypatch):
    monkeypatch.setenv("DEPESCHE_MAIL_CATCHER", "true")
    assert _fresh("depesche.config.settings.base").MAIL_CATCHER is True
    assert _fresh("depesche.config.settings.production").MAIL_CATCHER is False


def test_demo_settings_enable_the_mail_catcher(monkeypatch):
    monkeypatch.delenv("DEPESCHE_MAIL_CATCHER", raising=False)
    assert _fresh("depesche.config.settings.demo").MAIL_CATCHER is True


def test_a_bad_bundle_time_stops_the_settings_with_a_clear_error(monkeypatch):
    monkeypatch.setenv("DEPESCHE_ALERT_WEEKLY_AT", "Samstag früh")
    with pytest.raises(ValueError, match="DEPESCHE_ALERT_WEEKLY_AT must be a weekday"):
        _fresh("depesche.config.settings.base")
    monkeypatch.delenv("DEPESCHE_ALERT_WEEKLY_AT")
    assert _fresh("depesche.config.settings.base").ALERT_WEEKLY_AT[0] == 5


def test_the_mailto_unsubscribe_address_is_offered_only_with_an_inbound_path(monkeypatch):
    monkeypatch.setenv("DEFAULT_FROM_EMAIL", "Depesche <redaktion@example.de>")
    monkeypatch.delenv("DEPESCHE_UNSUBSCRIBE_MAILTO", raising=False)
    monkeypatch.setenv("EMAIL_URL", "smtp://relay.example.de:587")
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "user:geheim")
    assert _fresh("depesche.config.settings.base").UNSUBSCRIBE_MAILTO == ""  # SMTP: no inbound

    monkeypatch.setenv("EMAIL_URL", "postmark://token@")
    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "")
    assert _fresh("depesche.config.settings.base").UNSUBSCRIBE_MAILTO == ""  # no secret

    monkeypatch.setenv("ANYMAIL_WEBHOOK_SECRET", "user:geheim")
    assert _fresh("depesche.config.settings.base").UNSUBSCRIBE_MAILTO == "abmelden@example.de"
    monkeypatch.setenv("DEPESCHE_UNSUBSCRIBE_MAILTO", "raus@example.de")
    assert _fresh("depesche.config.settings.base").UNSUBSCRIBE_MAILTO == "raus@example.de"

"""The settings modules: production never ships the demo app and its mail catcher (whose inbox
shows every message); the demo, dev and test settings add it."""

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


def test_only_the_demo_dev_and_test_settings_install_the_demo_app():
    assert "depesche.demo" not in _fresh("depesche.config.settings.base").INSTALLED_APPS
    assert "depesche.demo" not in _fresh("depesche.config.settings.production").INSTALLED_APPS
    for name in ("demo", "dev", "test"):
        installed = _fresh(f"depesche.config.settings.{name}").INSTALLED_APPS
        assert installed.count("depesche.demo") == 1, name
    # The benchmarks ship (`depesche bench` runs against a deployment's PostgreSQL).
    assert "depesche.bench" in _fresh("depesche.config.settings.production").INSTALLED_APPS


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

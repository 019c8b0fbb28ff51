"""The mail catcher's inbox shows every message: production settings must never expose it."""

import importlib
import sys


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

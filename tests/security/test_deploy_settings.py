"""The production settings pass Django's deployment checks behind a TLS proxy, and the demo
(production settings over plain http on 127.0.0.1) still works over http."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from depesche.config import vapid
from depesche.core.checks import vapid_pair_check
from tests.factories import publish_article
from tests.support.env import production_env

DEPESCHE = Path(sys.executable).with_name("depesche")
SECURITY_SETTINGS = [
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "X_FRAME_OPTIONS",
    "SECURE_REFERRER_POLICY",
    "SECURE_CONTENT_TYPE_NOSNIFF",
]


def deployed_env(tmp_path: Path, **overrides: str) -> dict[str, str]:
    env = production_env(
        tmp_path,
        SECRET_KEY="k7#Qm2!vX9pL$w4Zr8@tN1^bY6&cH3*eJ5(uF0)dS-aG_oI+iP=lK;jM:nB<vC>xZ?",
        DEPESCHE_HASH_SALT="f3Wq9-Lz0bT7yPaxR2mKc8VdN5sHj4Ue1GiOo6EwYtZ",
        DEPESCHE_VAPID_PRIVATE_KEY="bqbaqQe87OWmnAS3u5Nqgmxa_bJUVE8-J__s9e9ulFU",
        ALLOWED_HOSTS="www.example.de",
        DEBUG="false",
    )
    env.update(overrides)
    return env


def security_settings(env: dict[str, str]) -> dict[str, object]:
    """The security settings as a process started with `env` loads them."""
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{k: getattr(settings, k) for k in {SECURITY_SETTINGS!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_reports_nothing_for_a_site_behind_tls(tmp_path):
    done = subprocess.run(
        [str(DEPESCHE), "check", "--deploy", "--fail-level", "WARNING"],
        env=deployed_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNINGS" not in done.stderr + done.stdout


def test_check_deploy_catches_a_weak_secret_key(tmp_path):
    """The check above is a real one: it fails on what it should fail on."""
    done = subprocess.run(
        [str(DEPESCHE), "check", "--deploy", "--fail-level", "WARNING"],
        env=deployed_env(tmp_path, SECRET_KEY="django-insecure-kurz"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "security.W009" in done.stderr


def check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DEPESCHE), "check", "--deploy", "--fail-level", "ERROR"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("unset", "check_id", "maker"),
    [
        ("SECRET_KEY", "depesche.E001", "generate-secret"),
        ("DEPESCHE_HASH_SALT", "depesche.E002", "generate-secret"),
        ("DEPESCHE_VAPID_PRIVATE_KEY", "depesche.E003", "generate-vapid"),
    ],
)
def test_check_deploy_refuses_a_secret_generated_per_machine(tmp_path, unset, check_id, maker):
    env = deployed_env(tmp_path)
    del env[unset]

    done = check_deploy(env)

    assert done.returncode != 0
    assert f"{check_id}) {unset} is not set" in done.stderr
    assert f"depesche {maker}" in done.stderr
    # Only the unset one: the others come from the environment.
    for other in {"depesche.E001", "depesche.E002", "depesche.E003"} - {check_id}:
        assert other not in done.stderr


def test_check_deploy_passes_with_secrets_made_by_generate_secret(tmp_path):
    env = deployed_env(tmp_path)
    made = [
        subprocess.run(
            [str(DEPESCHE), "generate-secret"], env=env, capture_output=True, text=True, timeout=60
        )
        for _ in range(2)
    ]
    assert [done.returncode for done in made] == [0, 0], made[0].stderr
    key, salt = (done.stdout.strip() for done in made)
    assert key != salt and len(key) >= 50 and "\n" not in key

    # --fail-level WARNING: the generated key also passes Django's strength check (W009).
    done = subprocess.run(
        [str(DEPESCHE), "check", "--deploy", "--fail-level", "WARNING"],
        env={**env, "SECRET_KEY": key, "DEPESCHE_HASH_SALT": salt},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert done.returncode == 0, done.stdout + done.stderr
    assert "depesche.E00" not in done.stdout + done.stderr


def test_the_demo_and_everyday_checks_keep_generated_secrets(tmp_path):
    """One machine: the demo's settings allow them, and checks without --deploy never ask."""
    env = deployed_env(tmp_path)
    del env["SECRET_KEY"], env["DEPESCHE_HASH_SALT"], env["DEPESCHE_VAPID_PRIVATE_KEY"]

    demo = check_deploy({**env, "DJANGO_SETTINGS_MODULE": "depesche.config.settings.demo"})
    everyday = subprocess.run(
        [str(DEPESCHE), "check", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert demo.returncode == 0, demo.stderr
    assert everyday.returncode == 0, everyday.stderr
    assert "depesche.E00" not in demo.stderr + everyday.stderr
    assert (tmp_path / "secret_key").exists() and (tmp_path / "hash_salt").exists()
    assert (tmp_path / "vapid_private_key").exists()


def test_generate_vapid_prints_a_pair_the_checks_accept(tmp_path):
    env = deployed_env(tmp_path)
    made = subprocess.run(
        [str(DEPESCHE), "generate-vapid"], env=env, capture_output=True, text=True, timeout=60
    )
    assert made.returncode == 0, made.stderr
    lines = dict(line.split("=", 1) for line in made.stdout.split())
    assert set(lines) == {"DEPESCHE_VAPID_PUBLIC_KEY", "DEPESCHE_VAPID_PRIVATE_KEY"}
    assert len(lines["DEPESCHE_VAPID_PUBLIC_KEY"]) == 87  # 65 bytes, base64url
    assert lines["DEPESCHE_VAPID_PRIVATE_KEY"] != env["DEPESCHE_VAPID_PRIVATE_KEY"]
    done = check_deploy({**env, **lines})
    assert done.returncode == 0, done.stderr


def test_a_public_key_of_another_pair_is_refused(settings):
    """Browsers would subscribe with it, and every push service would refuse our requests."""
    settings.VAPID_PUBLIC_KEY = vapid.public_key(vapid.new_private_key())
    [error] = vapid_pair_check(app_configs=None, databases=None)
    assert error.id == "depesche.E005"
    settings.VAPID_PUBLIC_KEY = vapid.public_key(settings.VAPID_PRIVATE_KEY)
    assert vapid_pair_check(app_configs=None, databases=None) == []
    settings.VAPID_PRIVATE_KEY = "kein-schluessel"
    [error] = vapid_pair_check(app_configs=None, databases=None)
    assert error.id == "depesche.E004" and "not a base64url P-256 private key" in error.msg


def test_https_base_url_turns_on_redirect_secure_cookies_and_hsts(tmp_path):
    loaded = security_settings(deployed_env(tmp_path))
    assert loaded["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is True and loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 365 * 24 * 3600
    assert loaded["X_FRAME_OPTIONS"] == "DENY"


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8000", "https://www.example.de"])
def test_demo_settings_stay_plain_http(tmp_path, base_url):
    env = deployed_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="depesche.config.settings.demo",
        DEPESCHE_BASE_URL=base_url,
    )
    loaded = security_settings(env)
    assert loaded["SECURE_SSL_REDIRECT"] is False
    assert loaded["SESSION_COOKIE_SECURE"] is False and loaded["CSRF_COOKIE_SECURE"] is False
    assert loaded["SECURE_HSTS_SECONDS"] == 0
    # Without https in the base URL nobody is told to trust X-Forwarded-Proto either.
    if base_url.startswith("http:"):
        assert loaded["SECURE_PROXY_SSL_HEADER"] is None


def _apply(settings, loaded: dict[str, object]) -> None:
    for key, value in loaded.items():
        setattr(settings, key, tuple(value) if isinstance(value, list) else value)


def test_demo_serves_pages_and_forms_over_http(tmp_path, settings, site_tree):
    env = deployed_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="depesche.config.settings.demo",
        DEPESCHE_BASE_URL="http://127.0.0.1:8000",
    )
    _apply(settings, security_settings(env))
    article = publish_article(site_tree.sections["Politik"], tags=["Energie"])
    browser = Client(enforce_csrf_checks=True)  # middleware built with the demo's settings

    for url in ["/", article.url, "/abo/"]:
        response = browser.get(url)
        assert response.status_code == 200, url
        assert "Strict-Transport-Security" not in response

    # The CSRF cookie works over http: the preference-link form posts with it.
    response = browser.get("/admin/login/")
    cookie = response.cookies[settings.CSRF_COOKIE_NAME]
    assert not cookie["secure"]
    response = browser.post(
        "/admin/login/",
        {"username": "niemand", "password": "falsch", "csrfmiddlewaretoken": cookie.value},
    )
    assert response.status_code == 200  # the form again, with its error; not a CSRF 403


def test_production_redirects_plain_http_and_sends_hsts_over_https(tmp_path, settings, site_tree):
    _apply(settings, security_settings(deployed_env(tmp_path)))
    settings.ALLOWED_HOSTS = ["www.example.de"]
    browser = Client(HTTP_HOST="www.example.de")

    response = browser.get("/")
    assert response.status_code == 301
    assert response["Location"] == "https://www.example.de/"

    response = browser.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")

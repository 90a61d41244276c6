"""config/settings.py as a deployment loads it: read in a fresh interpreter with a controlled
environment, since the test run's own settings are loaded once, with the test variables."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "placevoice.example.gov.uk",
    "SITE_URL": "https://placevoice.example.gov.uk",
    "SECURE_SSL_REDIRECT": "1",
}
A_REAL_KEY = "a-production-like-key-7Qm2vX9kLp4rT8wZ1nB6cF3hJ5sD0gY-long-and-random"


def run_python(*args: str, **variables: str) -> subprocess.CompletedProcess[str]:
    # Only what the interpreter needs, so nothing of the test run's own environment
    # (its SECRET_KEY, its DEBUG) leaks into the settings being checked.
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PYTHONWARNINGS": "ignore",
        **variables,
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def load_settings(expression: str, **variables: str) -> subprocess.CompletedProcess[str]:
    return run_python(
        "-c",
        f"import django; django.setup(); from django.conf import settings; print({expression})",
        **variables,
    )


def check_deploy(**variables: str) -> subprocess.CompletedProcess[str]:
    return run_python("manage.py", "check", "--deploy", "--fail-level", "WARNING", **variables)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = load_settings("settings.SECRET_KEY", **PRODUCTION)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize("blank", ["", "   "])
def test_it_refuses_a_blank_secret_key_when_debug_is_off(blank):
    result = load_settings("settings.SECRET_KEY", **PRODUCTION, SECRET_KEY=blank)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_refuses_the_development_key_from_the_repository_when_debug_is_off():
    from config import settings as project_settings

    result = load_settings(
        "settings.SECRET_KEY", **PRODUCTION, SECRET_KEY=project_settings.DEVELOPMENT_SECRET_KEY
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_runs_on_the_development_key_only_with_debug_on():
    result = load_settings("settings.SECRET_KEY", DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith("django-insecure-")


def test_check_deploy_fails_without_a_secret_key_and_passes_with_one():
    without = check_deploy(**PRODUCTION)
    assert without.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in without.stderr
    with_key = check_deploy(**PRODUCTION, SECRET_KEY=A_REAL_KEY)
    assert with_key.returncode == 0, with_key.stdout + with_key.stderr


def test_cookies_are_secure_with_debug_off_even_without_the_ssl_redirect():
    result = load_settings(
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE",
        **PRODUCTION | {"SECURE_SSL_REDIRECT": "0"},
        SECRET_KEY=A_REAL_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True"


def test_check_deploy_passes_behind_a_tls_proxy_with_secure_cookies():
    result = check_deploy(
        **PRODUCTION | {"SECURE_SSL_REDIRECT": "0"},
        USE_X_FORWARDED_PROTO="1",
        SECRET_KEY=A_REAL_KEY,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_insecure_cookies_behind_a_tls_proxy():
    result = check_deploy(
        **PRODUCTION | {"SECURE_SSL_REDIRECT": "0"},
        USE_X_FORWARDED_PROTO="1",
        SESSION_COOKIE_SECURE="0",
        SECRET_KEY=A_REAL_KEY,
    )
    assert result.returncode != 0
    assert "security.W012" in result.stderr
    assert "security.W016" in result.stderr


@pytest.mark.django_db
def test_the_test_server_sets_secure_cookies_over_plain_http(client, settings):
    # The suite runs as production does (DEBUG off) with the SSL redirect off.
    assert settings.SECURE_SSL_REDIRECT is False
    response = client.get("/login/")
    assert response.cookies["csrftoken"]["secure"] is True

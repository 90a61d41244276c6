import pytest
from django.db import connection


@pytest.mark.django_db
def test_it_reports_the_database_and_the_broker(client, settings):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True
    assert body["broker"]["mode"] == ("celery" if settings.CELERY_BROKER_URL else "in-process")


@pytest.mark.django_db
def test_it_says_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False

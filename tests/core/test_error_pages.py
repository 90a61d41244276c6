"""The error pages: GOV.UK pages for people, JSON for API clients."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from core import views

pytestmark = pytest.mark.django_db


def get(path):
    request = RequestFactory().get(path)
    request.user = AnonymousUser()
    return request


def test_a_missing_page_is_the_404_page(client_for, officer):
    response = client_for(officer).get("/no-such-page/")
    assert response.status_code == 404
    assert "errors/404.html" in [template.name for template in response.templates]


def test_a_missing_api_address_answers_json(api_client_for, officer):
    response = api_client_for(officer).get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_403_page_says_why_the_service_refused():
    request = get("/organisations/1/edit/")
    response = views.permission_denied(request, PermissionDenied("Only an administrator can"))
    assert response.status_code == 403
    assert "Only an administrator can" in response.content.decode()


def test_a_403_for_an_api_client_is_json_with_the_reason():
    request = get("/api/v1/organisations/")
    response = views.permission_denied(request, PermissionDenied("Not for you"))
    assert response.status_code == 403
    assert response.content == b'{"detail": "Not for you"}'


def test_the_500_page_is_html_for_people_and_json_for_the_api():
    page = views.server_error(get("/organisations/"))
    assert page.status_code == 500 and b"<html" in page.content.lower()
    api = views.server_error(get("/api/v1/organisations/"))
    assert api.status_code == 500 and api.content == b'{"detail": "Server error."}'

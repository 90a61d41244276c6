"""The client's address behind trusted proxies (core.proxies, TRUSTED_PROXY_COUNT)."""

import pytest
from django.test import RequestFactory

from core.proxies import client_address


def request_from(remote_address: str = "192.0.2.10", forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote_address}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_it_ignores_x_forwarded_for_without_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request_from(forwarded="203.0.113.5")) == "192.0.2.10"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        # A client writes its own entries on the left; only the proxy's, on the right, count.
        (1, "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (2, "198.51.100.1, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),
        (1, "2001:db8::5", "2001:db8::5"),
    ],
)
def test_it_takes_the_address_the_outermost_trusted_proxy_saw(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_address(request_from(forwarded=forwarded)) == expected


@pytest.mark.parametrize("forwarded", ["not-an-address", "", "203.0.113.5, \x00"])
def test_it_falls_back_to_the_connecting_address_when_the_header_is_unusable(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from(forwarded=forwarded)) == "192.0.2.10"


def test_it_uses_the_connecting_address_when_no_header_was_sent(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request_from()) == "192.0.2.10"

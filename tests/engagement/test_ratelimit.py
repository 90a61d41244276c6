"""SIGNUP_RATE_LIMIT parsing and counting (engagement.ratelimit)."""

import pytest
from django.test import RequestFactory

from engagement import ratelimit


@pytest.mark.parametrize(
    ("rate", "expected"),
    [
        ("20/m", (20, 60)),
        ("5/s", (5, 1)),
        ("100/5m", (100, 300)),
        ("1000/h", (1000, 3600)),
        (" 7 / day ", (7, 86400)),
        ("", None),
        ("0", None),
        ("none", None),
    ],
)
def test_it_parses_rates(rate, expected):
    assert ratelimit.parse_rate(rate) == expected


def test_it_rejects_a_malformed_rate():
    with pytest.raises(ValueError, match="SIGNUP_RATE_LIMIT"):
        ratelimit.parse_rate("lots")


def test_it_counts_per_address_and_can_be_switched_off(settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    factory = RequestFactory()
    first = factory.post("/", REMOTE_ADDR="192.0.2.1")
    other = factory.post("/", REMOTE_ADDR="192.0.2.2")
    assert [ratelimit.signup_limited(first) for _ in range(3)] == [False, False, True]
    assert ratelimit.signup_limited(other) is False
    settings.SIGNUP_RATE_LIMIT = "off"
    assert ratelimit.signup_limited(first) is False


def test_it_counts_the_client_behind_a_trusted_proxy_not_a_forged_header(settings):
    settings.SIGNUP_RATE_LIMIT = "2/m"
    factory = RequestFactory()

    def through_proxy(client: str, forged: int):
        # Every request from the proxy's own address, each with a new forged entry.
        forwarded = f"198.51.100.{forged}, {client}"
        return factory.post("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)

    settings.TRUSTED_PROXY_COUNT = 1
    limited = [ratelimit.signup_limited(through_proxy("203.0.113.1", n)) for n in range(3)]
    assert limited == [False, False, True]
    assert ratelimit.signup_limited(through_proxy("203.0.113.2", 9)) is False

    settings.TRUSTED_PROXY_COUNT = 0
    # Without trusted proxies a new forged header is still the same client.
    forged = [
        factory.post("/", REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        for n in range(3)
    ]
    assert [ratelimit.signup_limited(request) for request in forged] == [False, False, True]

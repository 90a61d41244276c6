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

"""Sign-in (the page and API tokens), lock-outs and the API schema pages of SPEC §3."""

import pytest
from rest_framework.test import APIClient

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def test_it_issues_a_token_that_authenticates_api_calls():
    user = UserFactory(role="officer", username="tokenuser")
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "tokenuser", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/organisations/").status_code == 200
    user.refresh_from_db()
    assert user.auth_token.key == token


def test_it_refuses_a_token_for_a_wrong_password():
    UserFactory(role="officer", username="tokenuser")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": "tokenuser", "password": "wrong"}
    )
    assert response.status_code == 400
    assert "token" not in response.json()


def test_it_names_missing_token_fields():
    response = APIClient().post("/api/v1/auth/token/", {})
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_it_answers_401_with_a_challenge_to_anonymous_api_calls():
    response = APIClient().get("/api/v1/organisations/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")


def test_it_locks_out_a_login_after_repeated_failures(client, settings):
    UserFactory(role="officer", username="victim")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/login/", {"username": "victim", "password": "guess"})
    response = client.post("/login/", {"username": "victim", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_it_signs_in_through_the_login_page(client):
    UserFactory(role="officer", username="olivia")
    response = client.post("/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_it_sends_anonymous_pages_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_it_sets_security_headers_and_a_nonce_csp(client):
    response = client.get("/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    ("role", "status"),
    [("officer", 200), ("organiser", 200), ("growth_group", 403), ("admin", 200), (None, 401)],
)
def test_the_schema_and_docs_are_for_the_roles_that_use_the_api(
    role, status, api_client_for, client_for, make_user
):
    user = make_user(role) if role else None
    response = api_client_for(user).get("/api/schema/")
    assert response.status_code in ((status,) if status != 401 else (401, 403))
    if status == 200:
        assert b"/api/v1/organisations/" in response.content
    docs = client_for(user).get("/api/docs/")
    assert docs.status_code in ((status,) if status != 401 else (401, 403))
    home = client_for(user).get("/", follow=True).content.decode()
    assert ('href="/api/docs/"' in home) == (status == 200)


def test_the_api_docs_page_is_served_without_a_cdn(client_for, officer):
    response = client_for(officer).get("/api/docs/")
    assert response.status_code == 200
    assert b"cdn." not in response.content


def post_token(client, username, password, address="127.0.0.1", **headers):
    return client.post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def test_the_token_throttle_ignores_a_forged_x_forwarded_for_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    client = APIClient()
    codes = [
        client.post("/api/v1/auth/token/", {}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(21)
    ]
    assert codes == [400] * 20 + [429]


def test_the_token_throttle_counts_the_client_behind_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    client = APIClient()

    def through_proxy(client_address, forged):
        return client.post(
            "/api/v1/auth/token/",
            {},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{forged}, {client_address}",
        ).status_code

    codes = [through_proxy("203.0.113.1", n) for n in range(21)]
    assert codes == [400] * 20 + [429]
    # Another client behind the same proxy has its own allowance.
    assert through_proxy("203.0.113.2", 0) == 400


def test_lockouts_record_the_client_behind_a_trusted_proxy(settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    UserFactory(role="officer", username="victim")
    post_token(
        APIClient(),
        "victim",
        "guess",
        address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9",
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.9"]


def test_it_locks_an_account_guessed_at_from_many_addresses(client, settings):
    UserFactory(role="officer", username="victim")
    per_address = settings.AXES_FAILURE_LIMIT - 1  # never enough to lock any one address
    for n in range(10):
        for _ in range(per_address):
            client.post(
                "/login/", {"username": "victim", "password": "guess"}, REMOTE_ADDR=f"192.0.2.{n}"
            )
    assert 10 * per_address >= settings.AXES_USERNAME_FAILURE_LIMIT
    response = client.post(
        "/login/", {"username": "victim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.77"
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is the account's: the API refuses a token for it too.
    assert post_token(APIClient(), "victim", PASSWORD, address="198.51.100.78").status_code == 429


def test_a_few_failures_from_several_addresses_do_not_lock_the_account(client, settings):
    UserFactory(role="officer", username="olivia")
    for n in range(3):
        for _ in range(settings.AXES_FAILURE_LIMIT - 1):
            client.post(
                "/login/", {"username": "olivia", "password": "typo"}, REMOTE_ADDR=f"192.0.2.{n}"
            )
    response = client.post("/login/", {"username": "olivia", "password": PASSWORD})
    assert response.status_code == 302


def test_the_account_lock_lifts_after_the_cool_off(client, settings):
    from datetime import timedelta

    from axes.models import AccessAttempt
    from django.utils import timezone

    UserFactory(role="officer", username="victim")
    for n in range(settings.AXES_USERNAME_FAILURE_LIMIT):
        client.post(
            "/login/", {"username": "victim", "password": "guess"}, REMOTE_ADDR=f"192.0.2.{n}"
        )
    signing_in = {"username": "victim", "password": PASSWORD}
    assert client.post("/login/", signing_in).status_code == 429
    cool_off = timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timedelta(minutes=1))
    assert client.post("/login/", signing_in).status_code == 302


def test_a_locked_out_api_client_gets_json(settings):
    UserFactory(role="officer", username="victim")
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        post_token(client, "victim", "guess")
    response = post_token(client, "victim", PASSWORD)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert set(response.json()) == {"detail"}
    assert "Too many sign-in attempts" in response.json()["detail"]
    assert int(response["Retry-After"]) == int(settings.AXES_COOLOFF_TIME * 3600)
    assert "token" not in response.json()

"""SPEC §1: only admins set an organisation's `account_manager` and `key_account`, whichever
way it is written (API, page form, Django admin, CSV import); an officer's change to either
is a 403 and changes nothing, while echoing the current values back is accepted."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from contacts import imports, services
from contacts.models import Organisation
from core.models import JobStatus
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGS = "/api/v1/organisations/"

FORM = {
    "name": "Secretive Widgets",
    "company_number": "",
    "kind": "business",
    "sic_codes": "",
    "employees": "",
    "ownership": "",
    "address": "",
    "town": "Oxford",
    "postcode": "",
    "ward": "",
    "local_authority": "Oxford",
    "rural_urban": "urban",
    "tags": "",
    "status": "active",
}


@pytest.fixture
def manager(db):
    return UserFactory(role="officer", username="manager", first_name="Mona", last_name="Manager")


@pytest.fixture
def managed(manager):
    return OrganisationFactory(name="Secretive Widgets", account_manager=manager, key_account=True)


# --- API -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"account_manager": "self"},
        {"account_manager": None},
        {"key_account": False},
        {"name": "Renamed", "account_manager": "self"},
    ],
)
def test_api_refuses_an_officer_changing_the_account_fields(
    change, api_client_for, officer, managed, manager
):
    body = {k: (officer.pk if v == "self" else v) for k, v in change.items()}
    response = api_client_for(officer).patch(f"{ORGS}{managed.pk}/", body, format="json")
    assert response.status_code == 403
    assert "administrator" in response.json()["detail"]
    managed.refresh_from_db()
    assert (managed.name, managed.account_manager, managed.key_account) == (
        "Secretive Widgets",
        manager,
        True,
    )


def test_api_refuses_an_officer_creating_an_organisation_with_the_account_fields(
    api_client_for, officer
):
    client = api_client_for(officer)
    for body in (
        {"name": "Mine Ltd", "account_manager": officer.pk},
        {"name": "Mine Ltd", "key_account": True},
    ):
        assert client.post(ORGS, body, format="json").status_code == 403
    assert not Organisation.objects.exists()
    # Without them, or with the defaults, an officer still creates organisations.
    plain = client.post(
        ORGS, {"name": "Plain Ltd", "key_account": False, "account_manager": None}, format="json"
    )
    assert plain.status_code == 201, plain.json()


def test_api_accepts_an_officer_echoing_the_current_account_fields(
    api_client_for, officer, managed, manager
):
    client = api_client_for(officer)
    url = f"{ORGS}{managed.pk}/"
    patched = client.patch(
        url,
        {"town": "Bicester", "account_manager": manager.pk, "key_account": True},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    whole = client.get(url).json()
    put = client.put(url, {**whole, "ward": "Bicester East"}, format="json")
    assert put.status_code == 200, put.json()
    managed.refresh_from_db()
    assert (managed.town, managed.ward, managed.account_manager) == (
        "Bicester",
        "Bicester East",
        manager,
    )


def test_api_lets_an_admin_set_the_account_fields(api_client_for, admin_user, managed, officer):
    client = api_client_for(admin_user)
    response = client.patch(
        f"{ORGS}{managed.pk}/", {"account_manager": officer.pk, "key_account": False}, format="json"
    )
    assert response.status_code == 200
    created = client.post(
        ORGS, {"name": "Key Ltd", "key_account": True, "account_manager": officer.pk}
    )
    assert created.status_code == 201
    managed.refresh_from_db()
    assert (managed.account_manager, managed.key_account) == (officer, False)


# --- Page form -------------------------------------------------------------------------------


def test_the_form_shows_an_officer_the_account_fields_read_only(client_for, officer, managed):
    html = client_for(officer).get(f"/organisations/{managed.pk}/edit/").content.decode()
    assert 'name="account_manager"' not in html and 'name="key_account"' not in html
    assert "Mona Manager" in html
    assert "Only an administrator can change the account manager or key account" in html
    new = client_for(officer).get("/organisations/new/").content.decode()
    assert 'name="account_manager"' not in new and 'name="key_account"' not in new


def test_the_form_offers_an_admin_the_account_fields(client_for, admin_user, managed):
    html = client_for(admin_user).get(f"/organisations/{managed.pk}/edit/").content.decode()
    assert 'name="account_manager"' in html and 'name="key_account"' in html


def test_an_officer_edit_without_the_account_fields_keeps_them(
    client_for, officer, managed, manager
):
    response = client_for(officer).post(
        f"/organisations/{managed.pk}/edit/", {**FORM, "town": "Witney"}
    )
    assert response.status_code == 302
    managed.refresh_from_db()
    assert (managed.town, managed.account_manager, managed.key_account) == ("Witney", manager, True)


@pytest.mark.parametrize(
    "forged",
    [
        {"account_manager": "self"},
        {"account_manager": ""},
        # Not sending the box means "as it is" for someone not offered it; a value that
        # unticks it has to be sent on purpose.
        {"key_account": "false"},
    ],
)
def test_a_forged_form_post_changing_the_account_fields_is_403_and_changes_nothing(
    forged, client_for, officer, managed, manager
):
    data = {**FORM, "town": "Witney", "account_manager": str(manager.pk), "key_account": "on"}
    data.update({k: str(officer.pk) if v == "self" else v for k, v in forged.items()})
    response = client_for(officer).post(f"/organisations/{managed.pk}/edit/", data)
    assert response.status_code == 403
    assert "Only an administrator can change" in response.content.decode()
    managed.refresh_from_db()
    assert (managed.town, managed.account_manager, managed.key_account) == ("Oxford", manager, True)


def test_a_forged_form_post_creating_a_key_account_is_403(client_for, officer):
    client = client_for(officer)
    for forged in ({"key_account": "on"}, {"account_manager": str(officer.pk)}):
        response = client.post("/organisations/new/", {**FORM, "name": "Mine Ltd", **forged})
        assert response.status_code == 403
    assert not Organisation.objects.exists()


def test_an_admin_sets_the_account_fields_on_the_form(client_for, admin_user, managed, officer):
    response = client_for(admin_user).post(
        f"/organisations/{managed.pk}/edit/", {**FORM, "account_manager": str(officer.pk)}
    )
    assert response.status_code == 302
    managed.refresh_from_db()
    assert (managed.account_manager, managed.key_account) == (officer, False)


# --- The service, the admin and imports ------------------------------------------------------


def test_the_service_holds_the_rule_for_every_caller(officer, admin_user, managed):
    with pytest.raises(PermissionDenied):
        services.organisation_update(
            organisation=managed, data={"account_manager": officer}, user=officer
        )
    with pytest.raises(PermissionDenied):
        services.organisation_create(data={"name": "X", "key_account": True}, user=officer)
    services.organisation_update(
        organisation=managed,
        data={"account_manager": officer, "key_account": False},
        user=admin_user,
    )
    managed.refresh_from_db()
    assert managed.account_manager == officer


def test_the_admin_makes_the_account_fields_read_only_for_staff_who_are_not_admins(rf, managed):
    from django.contrib.admin.sites import site

    from contacts.admin import OrganisationAdmin

    staff = UserFactory(role="officer", is_staff=True)
    request = rf.get("/")
    request.user = staff
    model_admin = OrganisationAdmin(Organisation, site)
    assert {"account_manager", "key_account"} <= set(
        model_admin.get_readonly_fields(request, managed)
    )
    managed.account_manager = staff
    with pytest.raises(PermissionDenied):
        model_admin.save_model(request, managed, form=None, change=True)
    managed.refresh_from_db()
    assert managed.account_manager != staff


def _import(user, content: bytes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_request(
            upload=SimpleUploadedFile("orgs.csv", content, content_type="text/csv"),
            kind="organisations",
            format="generic",
            dry_run=False,
            user=user,
        )
    job.refresh_from_db()
    return job


def test_an_officers_import_may_not_make_or_unmake_key_accounts(
    officer, managed, django_capture_on_commit_callbacks
):
    Organisation.objects.filter(pk=managed.pk).update(company_number="01234567")
    content = (
        b"name,company_number,key_account\r\n"
        b"Secretive Widgets,01234567,no\r\n"
        b"New Key Ltd,,yes\r\n"
        b"Plain Ltd,,no\r\n"
    )
    job = _import(officer, content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.FAILED
    assert [error["line"] for error in job.errors] == [2, 3]
    assert all("Only an administrator can change" in e["message"] for e in job.errors)
    managed.refresh_from_db()
    assert managed.key_account is True
    assert not Organisation.objects.filter(name__in=["New Key Ltd", "Plain Ltd"]).exists()

    # The values it already has are no change, so an officer's file may carry the column.
    same = b"name,company_number,key_account\r\nSecretive Widgets,01234567,yes\r\n"
    assert _import(officer, same, django_capture_on_commit_callbacks).status == JobStatus.DONE


def test_an_admins_import_sets_key_accounts(admin_user, django_capture_on_commit_callbacks):
    content = b"name,company_number,key_account\r\nNew Key Ltd,,yes\r\n"
    job = _import(admin_user, content, django_capture_on_commit_callbacks)
    assert job.status == JobStatus.DONE, job.errors
    assert Organisation.objects.get(name="New Key Ltd").key_account is True

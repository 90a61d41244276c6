"""UK GDPR for people (SPEC §4): subject-access export and erasure, contacts' side.

What engagement holds (registrations, interactions) is tested in tests/engagement/.
"""

import json

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType

from contacts import privacy, services
from contacts.models import Person
from tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(admin_user):
    """A person created and changed through the services, so the audit trail has history."""
    organisation = OrganisationFactory(name="Analytical Engines Ltd")
    person = services.person_create(
        data={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@engines.example",
            "phone": "01865 000111",
            "job_title": "Director of Computation",
            "organisation": organisation,
            "consent_source": "Told us at the Growth breakfast",
        }
    )
    services.person_update(person=person, data={"marketing_consent": True, "phone": "07700 900123"})
    return person


PERSONAL_VALUES = (
    "Ada",
    "Lovelace",
    "ada@engines.example",
    "01865 000111",
    "07700 900123",
    "Director of Computation",
    "Told us at the Growth breakfast",
)


def _person_entries(person):
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_pk=str(person.pk)
    )


# --- Export -----------------------------------------------------------------------------------


def test_it_exports_the_record_organisation_consent_and_audit_trail(ada, officer):
    export = privacy.person_export(ada, user=officer)

    json.dumps(export)  # plain JSON types only, no encoder needed
    assert export["person"]["email"] == "ada@engines.example"
    assert export["person"]["phone"] == "07700 900123"
    assert export["person"]["lawful_basis"] == "public_task"
    assert export["organisation"]["name"] == "Analytical Engines Ltd"
    assert export["consent"]["marketing_consent"] is True
    history = export["consent"]["history"]
    assert history[-1]["marketing_consent"] == {"from": "False", "to": "True"}
    assert [entry["action"] for entry in export["audit_log"]] == ["create", "update"]
    assert export["audit_log"][1]["changes"]["phone"] == ["01865 000111", "07700 900123"]
    # The apps above contacts contribute their own sections.
    assert "registrations" in export and "interactions" in export


def test_it_exports_nothing_about_other_people_in_the_contacts_sections(ada, admin_user):
    colleague = PersonFactory(
        first_name="Charles", last_name="Babbage", organisation=ada.organisation
    )
    text = json.dumps(privacy.person_export(ada, user=admin_user))
    assert "Babbage" not in text and colleague.email not in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("officer", 200),
        ("admin", 200),
        ("organiser", 403),
        ("growth_group", 403),
        ("anonymous", 401),
    ],
)
def test_the_export_api_is_for_officers_and_admins(ada, users, api_client_for, role, status):
    response = api_client_for(users[role]).get(f"/api/v1/people/{ada.pk}/export/")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith(
            f'attachment; filename="person-{ada.pk}-subject-access-'
        )
        assert response.json()["person"]["email"] == "ada@engines.example"


def test_the_export_is_recorded_in_the_audit_trail(ada, officer, api_client_for):
    api_client_for(officer).get(f"/api/v1/people/{ada.pk}/export/")
    access = _person_entries(ada).filter(action=LogEntry.Action.ACCESS).get()
    assert access.actor == officer
    assert access.additional_data == {"subject_access_export": True, "withheld_confidential": 0}


def test_the_export_of_an_unknown_person_is_404(officer, api_client_for, client_for):
    assert api_client_for(officer).get("/api/v1/people/999999/export/").status_code == 404
    assert client_for(officer).get("/people/999999/export/").status_code == 404


def test_the_export_page_downloads_json(ada, users, client_for):
    response = client_for(users["officer"]).get(f"/people/{ada.pk}/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert json.loads(response.content)["person"]["last_name"] == "Lovelace"
    assert client_for(users["organiser"]).get(f"/people/{ada.pk}/export/").status_code == 403
    assert client_for(users["growth_group"]).get(f"/people/{ada.pk}/export/").status_code == 403
    anonymous = client_for(None).get(f"/people/{ada.pk}/export/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_the_person_page_links_to_export_and_for_admins_to_erasure(ada, users, client_for):
    officer_page = client_for(users["officer"]).get(f"/people/{ada.pk}/").content.decode()
    assert f"/people/{ada.pk}/export/" in officer_page
    assert f"/people/{ada.pk}/erase/" not in officer_page
    admin_page = client_for(users["admin"]).get(f"/people/{ada.pk}/").content.decode()
    assert f"/people/{ada.pk}/erase/" in admin_page
    organiser_page = client_for(users["organiser"]).get(f"/people/{ada.pk}/").content.decode()
    assert f"/people/{ada.pk}/export/" not in organiser_page


# --- Erasure ----------------------------------------------------------------------------------


def test_erasure_anonymises_the_person(ada, admin_user):
    organisation = ada.organisation
    erased = privacy.person_erase(person=ada, user=admin_user)

    erased.refresh_from_db()
    assert erased.full_name == "Erased person"
    assert erased.email is None
    assert erased.phone == "" and erased.job_title == "" and erased.consent_source == ""
    assert erased.marketing_consent is False
    assert erased.do_not_contact is True
    assert erased.erased_at is not None
    assert erased.organisation == organisation  # the organisation and its counts stay
    assert Person.objects.filter(pk=ada.pk).exists()


def test_erasure_scrubs_old_values_from_the_audit_trail_but_keeps_who_and_when(
    ada, admin_user, officer, api_client_for
):
    api_client_for(officer).get(f"/api/v1/people/{ada.pk}/export/")  # an access entry too
    before = list(_person_entries(ada).order_by("pk").values_list("pk", "action", "timestamp"))

    privacy.person_erase(person=ada, user=admin_user)

    entries = list(_person_entries(ada).order_by("pk"))
    # Earlier entries are kept (action and time), and one more records the erasure.
    assert [(e.pk, e.action, e.timestamp) for e in entries[:-1]] == before
    text = json.dumps(
        [[e.changes, e.changes_text, e.object_repr, e.serialized_data] for e in entries]
    )
    for value in PERSONAL_VALUES:
        assert value not in text, value
    assert all(e.object_repr == "Erased person" for e in entries)
    update = entries[1]
    assert update.changes["phone"] == ["[erased]", "[erased]"]
    assert update.changes["marketing_consent"] == ["False", "True"]  # not personal: kept
    erasure = entries[-1]
    assert erasure.actor == admin_user
    assert erasure.additional_data == {"erasure": "request"}
    assert erasure.changes["first_name"] == ["[erased]", "Erased"]
    assert erasure.changes["do_not_contact"] == ["False", "True"]


def test_erasing_twice_changes_nothing(ada, admin_user):
    first = privacy.person_erase(person=ada, user=admin_user)
    entries = _person_entries(ada).count()
    second = privacy.person_erase(person=ada, user=admin_user)
    assert second.erased_at == first.erased_at
    assert _person_entries(ada).count() == entries


def test_an_erased_persons_email_can_be_used_by_someone_new(ada, admin_user):
    privacy.person_erase(person=ada, user=admin_user)
    newcomer = services.person_create(data={"first_name": "Ada", "email": "ADA@engines.example"})
    assert newcomer.pk != ada.pk


@pytest.mark.parametrize(
    ("role", "status"),
    [("organiser", 403), ("officer", 403), ("growth_group", 403), ("anonymous", 401)],
)
def test_only_admins_may_erase_through_the_api(ada, users, api_client_for, role, status):
    response = api_client_for(users[role]).post(f"/api/v1/people/{ada.pk}/erase/")
    assert response.status_code == status
    ada.refresh_from_db()
    assert ada.erased_at is None and ada.first_name == "Ada"


def test_an_admin_erases_through_the_api(ada, admin_user, api_client_for):
    response = api_client_for(admin_user).post(f"/api/v1/people/{ada.pk}/erase/")
    assert response.status_code == 200
    ada.refresh_from_db()
    assert response.json() == {"id": ada.pk, "erased_at": ada.erased_at.isoformat()}
    assert ada.first_name == "Erased"
    detail = api_client_for(admin_user).get(f"/api/v1/people/{ada.pk}/").json()
    assert detail["email"] is None and detail["last_name"] == "person"


def test_the_erase_page_asks_first_and_is_for_admins_only(ada, users, client_for):
    page = client_for(users["admin"]).get(f"/people/{ada.pk}/erase/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-warning-text" in html and "You cannot undo this" in html
    assert 'name="csrfmiddlewaretoken"' in html
    for role in ("officer", "organiser", "growth_group"):
        assert client_for(users[role]).get(f"/people/{ada.pk}/erase/").status_code == 403
        assert client_for(users[role]).post(f"/people/{ada.pk}/erase/").status_code == 403
    anonymous = client_for(None).post(f"/people/{ada.pk}/erase/")
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    ada.refresh_from_db()
    assert ada.erased_at is None


def test_the_erase_page_erases_on_post_and_says_so(ada, admin_user, client_for):
    client = client_for(admin_user)
    response = client.post(f"/people/{ada.pk}/erase/", follow=True)
    assert response.redirect_chain[-1][0] == f"/people/{ada.pk}/"
    html = response.content.decode()
    assert "Personal data erased" in html and "Erased person" in html
    assert "ada@engines.example" not in html
    ada.refresh_from_db()
    assert ada.erased_at is not None
    # Asking again is harmless, and the confirmation page says it is done.
    again = client.get(f"/people/{ada.pk}/erase/").content.decode()
    assert "has been erased" in again


def test_the_erase_page_needs_csrf(ada, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    assert client.post(f"/people/{ada.pk}/erase/").status_code == 403
    ada.refresh_from_db()
    assert ada.erased_at is None


# --- After erasure: the record says so and cannot be edited ----------------------------------


def _erased_on(person) -> str:
    from django.utils import dateformat, timezone

    return dateformat.format(timezone.localtime(person.erased_at), "j F Y")


def test_an_erased_persons_page_says_when_and_offers_no_edit(ada, users, client_for):
    erased = privacy.person_erase(person=ada, user=users["admin"])

    for role in ("officer", "admin"):
        html = client_for(users[role]).get(f"/people/{ada.pk}/").content.decode()
        assert 'id="erased-title"' in html
        assert "personal data was erased on <time datetime=" in html
        assert _erased_on(erased) in html
        assert f"/people/{ada.pk}/edit/" not in html
        assert f"/people/{ada.pk}/erase/" not in html
    # Someone not erased still has the button.
    other = PersonFactory()
    html = client_for(users["officer"]).get(f"/people/{other.pk}/").content.decode()
    assert f"/people/{other.pk}/edit/" in html and 'id="erased-title"' not in html


def test_the_edit_page_sends_an_erased_person_back_with_a_message(ada, users, client_for):
    erased = privacy.person_erase(person=ada, user=users["admin"])
    client = client_for(users["officer"])

    page = client.get(f"/people/{ada.pk}/edit/", follow=True)
    assert page.redirect_chain == [(f"/people/{ada.pk}/", 302)]
    assert f"erased on {_erased_on(erased)}, so the record cannot be edited" in (
        page.content.decode()
    )
    sent = client.post(
        f"/people/{ada.pk}/edit/",
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@engines.example",
            "lawful_basis": "public_task",
        },
    )
    assert sent.status_code == 302 and sent["Location"] == f"/people/{ada.pk}/"
    ada.refresh_from_db()
    assert ada.full_name == "Erased person" and ada.email is None


def test_the_api_and_the_service_refuse_to_edit_an_erased_person(ada, users, api_client_for):
    from django.core.exceptions import ValidationError

    privacy.person_erase(person=ada, user=users["admin"])

    response = api_client_for(users["officer"]).patch(
        f"/api/v1/people/{ada.pk}/", {"email": "ada@engines.example"}, format="json"
    )
    assert response.status_code == 400
    assert "erased" in response.json()["non_field_errors"][0]
    ada.refresh_from_db()
    with pytest.raises(ValidationError):
        services.person_update(person=ada, data={"phone": "01865 000111"})
    ada.refresh_from_db()
    assert ada.email is None and ada.phone == ""


def test_an_erased_person_is_never_a_duplicate_nor_merged(ada, users, api_client_for):
    from contacts import selectors

    twin = PersonFactory(organisation=ada.organisation)
    other_twin = PersonFactory(organisation=ada.organisation)
    privacy.person_erase(person=twin, user=users["admin"])
    privacy.person_erase(person=other_twin, user=users["admin"])
    # Both are now "Erased person" at one organisation: not a duplicate pair.
    assert selectors.person_duplicates() == []

    response = api_client_for(users["officer"]).post(
        f"/api/v1/people/{ada.pk}/merge/", {"duplicate": twin.pk}, format="json"
    )
    assert response.status_code == 400
    assert "erased" in json.dumps(response.json())
    assert Person.objects.filter(pk=twin.pk).exists()

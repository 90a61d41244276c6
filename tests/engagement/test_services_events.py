"""registration_create / registration_cancel / check-in, and the emails they queue."""

import datetime
import smtplib

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone
from icalendar import Calendar

from contacts.models import Organisation, Person
from engagement import emails, tasks
from engagement.models import Event, Registration
from engagement.services import events as services
from tests.factories import OrganisationFactory, PersonFactory
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def sign_up(n: int = 0, **overrides: object) -> services.SignUp:
    data: dict[str, object] = {
        "first_name": "Grace",
        "last_name": f"Hopper{n}",
        "email": f"grace{n}@compilers.example",
        "organisation": f"Compilers {n} Ltd",
    }
    data.update(overrides)
    return services.SignUp(**data)  # type: ignore[arg-type]


def create(event, n=0, **overrides):
    return services.registration_create(event=event, sign_up=sign_up(n, **overrides))[0]


def positions(event):
    return list(
        Registration.objects.filter(event=event, status="waitlisted")
        .order_by("waitlist_position")
        .values_list("email", "waitlist_position")
    )


def test_it_confirms_up_to_capacity_then_waitlists_gap_free(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=2)
    with django_capture_on_commit_callbacks(execute=True):
        made = [create(event, n) for n in range(5)]
    assert [r.status for r in made] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [r.waitlist_position for r in made] == [None, None, 1, 2, 3]
    subjects = [m.subject for m in mail.outbox]
    assert subjects.count(f"Your place is confirmed: {event.title}") == 2
    assert subjects.count(f"You are on the waiting list: {event.title}") == 3
    assert "position 2" in mail.outbox[3].body


def test_the_same_email_ignoring_case_gets_the_existing_registration():
    event = EventFactory()
    first, created = services.registration_create(event=event, sign_up=sign_up(1))
    again, created_again = services.registration_create(
        event=event, sign_up=sign_up(1, email="GRACE1@Compilers.Example")
    )
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk
    assert Registration.objects.count() == 1


def test_full_without_waitlist_is_refused_as_full():
    event = EventFactory(capacity=1, waitlist_enabled=False)
    create(event, 1)
    with pytest.raises(services.RegistrationRefused) as refused:
        create(event, 2)
    assert refused.value.code == "full"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"status": "cancelled"}, "cancelled"),
        ({"status": "draft"}, "not_found"),
        ({"registration_closes_at": timezone.now() - datetime.timedelta(minutes=1)}, "closed"),
        ({"registration_opens_at": timezone.now() + datetime.timedelta(days=1)}, "not_open"),
    ],
)
def test_closed_draft_and_cancelled_events_refuse_with_a_message(overrides, code):
    event = EventFactory(**overrides)
    with pytest.raises(services.RegistrationRefused) as refused:
        create(event)
    assert refused.value.code == code
    assert refused.value.messages[0]
    assert not Registration.objects.exists()


def test_it_matches_an_existing_person_by_email_ignoring_case():
    person = PersonFactory(email="Known.Person@Example.com")
    event = EventFactory()
    registration = create(event, email="known.person@example.COM")
    assert registration.person == person
    assert Person.objects.count() == 1


def test_it_matches_the_organisation_by_company_number_then_name():
    by_number = OrganisationFactory(name="Registered Name Ltd", company_number="01234567")
    by_name = OrganisationFactory(name="The Oxford Widget Company")
    event = EventFactory()
    first = create(event, 1, organisation="Trading name", company_number="1234567")
    second = create(event, 2, organisation="Oxford Widget Co. Ltd")
    third = create(event, 3, organisation="Brand New Bakery", company_number="SC123456")
    assert first.organisation == by_number
    assert second.organisation == by_name
    assert third.organisation.name == "Brand New Bakery"
    assert third.organisation.company_number == "SC123456"
    assert Organisation.objects.count() == 3


def test_it_records_marketing_consent_with_time_and_source():
    event = EventFactory(title="Export breakfast")
    registration = create(event, marketing_consent=True)
    person = registration.person
    assert person.marketing_consent is True
    assert person.consent_recorded_at is not None
    assert "Export breakfast" in person.consent_source
    unticked = create(event, 2)
    assert unticked.person.marketing_consent is False
    assert unticked.person.consent_recorded_at is None


def test_an_unticked_box_does_not_withdraw_earlier_consent():
    person = PersonFactory(marketing_consent=True, consent_source="phone call")
    create(EventFactory(), email=person.email)
    person.refresh_from_db()
    assert (person.marketing_consent, person.consent_source) == (True, "phone call")


def test_bad_input_raises_field_errors():
    with pytest.raises(ValidationError) as error:
        create(EventFactory(), email="nope", first_name=" ", company_number="XYZ")
    assert set(error.value.message_dict) == {"email", "first_name", "company_number"}


def test_cancelling_a_confirmed_place_promotes_the_first_waiting_and_emails(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    booked = create(event, 0)
    waiting = [create(event, n) for n in range(1, 5)]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=booked)
    promoted = Registration.objects.get(pk=waiting[0].pk)
    assert (promoted.status, promoted.waitlist_position) == ("confirmed", None)
    assert positions(event) == [(w.email, i) for i, w in enumerate(waiting[1:], start=1)]
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert by_recipient[booked.email].subject.startswith("Your place is cancelled")
    assert by_recipient[promoted.email].subject.startswith("Good news, a place has come up")
    assert by_recipient[promoted.email].attachments[0][0] == "invitation.ics"
    assert len(mail.outbox) == 2


def test_an_organiser_cancelling_a_place_after_the_event_promotes_nobody(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    booked = create(event, 0)
    waiting = create(event, 1)
    Event.objects.filter(pk=event.pk).update(
        starts_at=timezone.now() - datetime.timedelta(days=2),
        ends_at=timezone.now() - datetime.timedelta(days=2) + datetime.timedelta(hours=2),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.registration_cancel(registration=booked, by_organiser=True)
    waiting.refresh_from_db()
    assert (waiting.status, waiting.waitlist_position) == ("waitlisted", 1)
    assert not [m for m in mail.outbox if m.subject.startswith("Good news")]


def test_cancelling_a_waitlisted_place_closes_the_gap():
    event = EventFactory(capacity=1)
    create(event, 0)
    waiting = [create(event, n) for n in range(1, 6)]
    services.registration_cancel(registration=waiting[1])
    remaining = [w for i, w in enumerate(waiting) if i != 1]
    assert positions(event) == [(w.email, i) for i, w in enumerate(remaining, start=1)]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1


def test_cancelling_twice_changes_nothing(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    booked = create(event, 0)
    create(event, 1)
    services.registration_cancel(registration=booked)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.registration_cancel(registration=booked)
    assert callbacks == []
    assert Registration.objects.filter(event=event, status="confirmed").count() == 1


def test_signing_up_again_after_cancelling_brings_the_registration_back():
    event = EventFactory(capacity=1)
    first = create(event, 0)
    services.registration_cancel(registration=first)
    create(event, 1)
    again, created = services.registration_create(event=event, sign_up=sign_up(0))
    assert created is True
    assert again.pk == first.pk
    assert (again.status, again.waitlist_position) == ("waitlisted", 1)


def test_a_repeated_sign_up_sends_the_confirmation_again_to_the_address_on_record(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first = create(event, 1)
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.registration_create(
            event=event, sign_up=sign_up(1, email="GRACE1@Compilers.Example", first_name="Eve")
        )
    assert (again.pk, created) == (first.pk, False)
    assert len(mail.outbox) == 2
    resent = mail.outbox[1]
    assert resent.to == ["grace1@compilers.example"]  # as recorded, not as typed the second time
    assert resent.subject == f"Your place is confirmed: {event.title}"
    assert first.cancel_token in resent.body
    assert "Dear Grace" in resent.body
    assert resent.attachments[0][0] == "invitation.ics"


def test_a_repeated_sign_up_on_the_waitlist_sends_the_waitlist_notice_again(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(capacity=1)
    create(event, 0)
    waiting = create(event, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        create(event, 1)
    assert [m.subject for m in mail.outbox] == [f"You are on the waiting list: {event.title}"]
    assert waiting.cancel_token in mail.outbox[0].body


def test_repeated_sign_ups_re_send_at_most_once_per_interval(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    registration = create(event, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(5):
            create(event, 1)
    assert len(mail.outbox) == 1
    assert services.RESEND_INTERVAL >= datetime.timedelta(minutes=5)
    # Once the interval has passed (its cache entry expired), a repeat re-sends again.
    cache.delete(f"pv:registration-resend:{registration.pk}")
    with django_capture_on_commit_callbacks(execute=True):
        create(event, 1)
    assert len(mail.outbox) == 2


def test_the_re_send_limit_is_per_registration(django_capture_on_commit_callbacks):
    event = EventFactory()
    create(event, 1)
    create(event, 2)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        create(event, 1)
        create(event, 2)
    assert sorted(m.to[0] for m in mail.outbox) == [
        "grace1@compilers.example",
        "grace2@compilers.example",
    ]


def test_a_repeated_sign_up_re_sends_nothing_once_the_event_is_cancelled(
    django_capture_on_commit_callbacks,
):
    event = EventFactory()
    create(event, 1)
    services.event_cancel(event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _registration, created = services.registration_create(event=event, sign_up=sign_up(1))
    assert created is False
    assert mail.outbox == []


def test_the_confirmation_carries_an_ics_that_parses_with_title_start_and_end(
    django_capture_on_commit_callbacks,
):
    event = EventFactory(title="Net zero breakfast: what it means for you")
    with django_capture_on_commit_callbacks(execute=True):
        registration = create(event)
    message = mail.outbox[0]
    assert message.to == [registration.email]
    assert registration.cancel_token in message.body
    name, content, mimetype = message.attachments[0]
    assert (name, mimetype) == ("invitation.ics", "text/calendar")
    calendar = Calendar.from_ical(content)
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title
    assert vevent.decoded("DTSTART") == event.starts_at
    assert vevent.decoded("DTEND") == event.ends_at
    assert str(vevent["LOCATION"]).startswith("Town Hall")
    registration.refresh_from_db()
    assert registration.confirmation_sent_at is not None


def test_the_cancellation_ics_withdraws_the_same_calendar_entry():
    registration = RegistrationFactory()
    invite = Calendar.from_ical(emails.invitation(registration))
    withdrawal = Calendar.from_ical(emails.invitation(registration, cancelled=True))
    assert str(withdrawal["METHOD"]) == "CANCEL"
    assert invite.walk("VEVENT")[0]["UID"] == withdrawal.walk("VEVENT")[0]["UID"]


def test_a_failed_send_is_retried_and_never_undoes_the_sign_up(
    monkeypatch, django_capture_on_commit_callbacks
):
    attempts = []

    def broken_send(self, fail_silently=False):
        attempts.append(1)
        raise smtplib.SMTPServerDisconnected("mail server went away")

    event = EventFactory()
    with monkeypatch.context() as mail_down:
        mail_down.setattr("django.core.mail.EmailMessage.send", broken_send)
        with django_capture_on_commit_callbacks(execute=True):
            registration, created = services.registration_create(event=event, sign_up=sign_up())
    assert created
    assert len(attempts) == 1 + tasks.send_registration_email.max_retries  # retried, then gave up
    registration.refresh_from_db()
    assert registration.status == "confirmed"
    assert registration.confirmation_sent_at is None  # so the sweep sends it later
    Registration.objects.filter(pk=registration.pk).update(
        updated=timezone.now() - datetime.timedelta(minutes=10)
    )
    assert tasks.resend_unsent_notices() == 1
    assert mail.outbox[-1].subject.startswith("Your place is confirmed")
    assert tasks.resend_unsent_notices() == 0


def test_a_status_notice_is_sent_once_even_if_the_task_runs_twice():
    registration = RegistrationFactory()
    assert tasks.send_registration_email(registration.pk, "confirmation") is True
    assert tasks.send_registration_email(registration.pk, "confirmation") is False
    assert len(mail.outbox) == 1


def test_reminders_go_once_to_confirmed_people_the_day_before():
    soon = EventFactory(
        starts_at=timezone.now() + datetime.timedelta(hours=20),
        ends_at=timezone.now() + datetime.timedelta(hours=22),
        capacity=1,
    )
    later = EventFactory()  # in two weeks: not yet
    booked = RegistrationFactory(event=soon)
    RegistrationFactory(event=soon, status="waitlisted", waitlist_position=1)
    RegistrationFactory(event=later)
    assert tasks.send_event_reminders() == 1
    assert tasks.send_event_reminders() == 0
    assert [m.to for m in mail.outbox] == [[booked.email]]
    assert mail.outbox[0].subject.startswith("Reminder, tomorrow")
    soon.refresh_from_db()
    assert soon.reminder_sent_at is not None


def test_cancelling_an_event_tells_everyone_registered(django_capture_on_commit_callbacks):
    event = EventFactory(capacity=1)
    create(event, 0)
    create(event, 1)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.event_cancel(event=event)
    assert len(mail.outbox) == 2
    assert all(m.subject.startswith("Event cancelled") for m in mail.outbox)
    assert all(m.attachments[0][0] == "cancellation.ics" for m in mail.outbox)


def test_check_in_needs_a_confirmed_place():
    registration = RegistrationFactory(status="waitlisted", waitlist_position=1)
    with pytest.raises(ValidationError):
        services.registration_check_in(registration=registration, user=None)


def test_no_shows_are_confirmed_places_not_checked_in_after_the_event():
    event = EventFactory(
        starts_at=timezone.now() - datetime.timedelta(hours=3),
        ends_at=timezone.now() - datetime.timedelta(hours=1),
    )
    came = RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    RegistrationFactory(event=event, status="cancelled")
    services.registration_check_in(registration=came, user=None)
    assert services.no_show_count(event) == 1

"""Merging two people who both registered for an event (SPEC §2: one registration per person
per event). The merge goes through contacts.services.person_merge, which runs engagement's
registered step before the links move."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from contacts import services as contact_services
from contacts.models import Person
from engagement.models import Registration
from tests.factories import PersonFactory
from tests.factories_events import (
    EventFactory,
    RegistrationFactory,
    eager_tasks,  # noqa: F401 - fixture
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


@pytest.fixture
def people():
    survivor = PersonFactory(first_name="Priya", last_name="Shah", email="priya@cowley.example")
    duplicate = PersonFactory(
        first_name="Priya",
        last_name="Shah",
        email="p.shah@cowley.example",
        organisation=survivor.organisation,
    )
    return survivor, duplicate


def confirmed(event, person=None, **kwargs):
    return RegistrationFactory(event=event, person=person or PersonFactory(), **kwargs)


def waitlisted(event, position, person=None, **kwargs):
    return RegistrationFactory(
        event=event,
        person=person or PersonFactory(),
        status="waitlisted",
        waitlist_position=position,
        **kwargs,
    )


def queue(event):
    return list(
        Registration.objects.filter(event=event, status="waitlisted")
        .order_by("waitlist_position")
        .values_list("pk", "waitlist_position")
    )


def merge(survivor, duplicate):
    return contact_services.person_merge(survivor=survivor, duplicate=duplicate, user=None)


def test_it_keeps_the_confirmed_place_and_closes_the_queue_behind_the_dropped_one(people):
    survivor, duplicate = people
    event = EventFactory(capacity=1)
    waiting_place = waitlisted(event, 1, person=survivor)
    place = confirmed(event, person=duplicate)
    behind = [waitlisted(event, 2), waitlisted(event, 3)]

    merge(survivor, duplicate)

    assert list(Registration.objects.filter(person=survivor).values_list("pk", "status")) == [
        (place.pk, "confirmed")
    ]
    assert not Registration.objects.filter(pk=waiting_place.pk).exists()
    assert queue(event) == [(behind[0].pk, 1), (behind[1].pk, 2)]


def test_two_confirmed_places_become_one_and_the_freed_place_goes_to_the_waitlist(
    people, django_capture_on_commit_callbacks
):
    survivor, duplicate = people
    event = EventFactory(capacity=2)
    first = confirmed(event, person=survivor, requirements="")
    second = confirmed(event, person=duplicate, requirements="Step-free access, please")
    front, back = waitlisted(event, 1), waitlisted(event, 2)

    with django_capture_on_commit_callbacks(execute=True):
        merge(survivor, duplicate)

    kept = Registration.objects.get(event=event, person=survivor)
    assert kept.pk == first.pk  # the earlier of two equal places
    assert kept.requirements == "Step-free access, please"  # nothing the person told us is lost
    assert not Registration.objects.filter(pk=second.pk).exists()
    promoted = Registration.objects.get(pk=front.pk)
    assert (promoted.status, promoted.waitlist_position) == ("confirmed", None)
    assert queue(event) == [(back.pk, 1)]
    assert Registration.objects.filter(event=event, status="confirmed").count() == 2
    assert [m.to for m in mail.outbox if m.subject.startswith("Good news")] == [[front.email]]


def test_a_checked_in_place_is_kept_over_one_not_used(people):
    survivor, duplicate = people
    event = EventFactory(capacity=5)
    confirmed(event, person=survivor)
    attended = confirmed(event, person=duplicate, attended=True, checked_in_at=timezone.now())

    merge(survivor, duplicate)

    assert list(Registration.objects.filter(person=survivor).values_list("pk", flat=True)) == [
        attended.pk
    ]


@pytest.mark.parametrize("survivor_holds", ["waitlisted", "cancelled"])
def test_a_place_in_the_queue_is_kept_over_a_cancelled_one_and_positions_stay_gap_free(
    people, survivor_holds
):
    survivor, duplicate = people
    event = EventFactory(capacity=1)
    confirmed(event)
    ahead = waitlisted(event, 1)
    if survivor_holds == "waitlisted":
        mine = waitlisted(event, 2, person=survivor)
        RegistrationFactory(
            event=event, person=duplicate, status="cancelled", cancelled_at=timezone.now()
        )
    else:
        RegistrationFactory(
            event=event, person=survivor, status="cancelled", cancelled_at=timezone.now()
        )
        mine = waitlisted(event, 2, person=duplicate)
    last = waitlisted(event, 3)

    merge(survivor, duplicate)

    assert list(Registration.objects.filter(person=survivor).values_list("pk", flat=True)) == [
        mine.pk
    ]
    assert queue(event) == [(ahead.pk, 1), (mine.pk, 2), (last.pk, 3)]


def test_of_two_places_in_the_queue_the_nearer_the_front_is_kept(people):
    survivor, duplicate = people
    event = EventFactory(capacity=1)
    confirmed(event)
    first = waitlisted(event, 1)
    mine_back = waitlisted(event, 4, person=survivor)
    mine_front = waitlisted(event, 2, person=duplicate)
    between = waitlisted(event, 3)
    last = waitlisted(event, 5)

    merge(survivor, duplicate)

    assert queue(event) == [(first.pk, 1), (mine_front.pk, 2), (between.pk, 3), (last.pk, 4)]
    assert not Registration.objects.filter(pk=mine_back.pk).exists()


def test_a_place_freed_at_an_event_that_has_ended_promotes_no_one(people):
    survivor, duplicate = people
    starts = timezone.now() - datetime.timedelta(days=3)
    event = EventFactory(capacity=2, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2))
    confirmed(event, person=survivor)
    confirmed(event, person=duplicate)
    never_got_in = waitlisted(event, 1)

    merge(survivor, duplicate)

    assert Registration.objects.filter(person=survivor).count() == 1
    assert queue(event) == [(never_got_in.pk, 1)]


def test_registrations_for_different_events_all_move(people):
    survivor, duplicate = people
    one, other = EventFactory(), EventFactory()
    mine = confirmed(one, person=survivor)
    theirs = confirmed(other, person=duplicate)

    merge(survivor, duplicate)

    assert set(Registration.objects.filter(person=survivor).values_list("pk", flat=True)) == {
        mine.pk,
        theirs.pk,
    }


def test_the_merge_page_leaves_one_registration_per_event(people, officer, client_for):
    survivor, duplicate = people
    event = EventFactory(capacity=1)
    waitlisted(event, 1, person=survivor)
    place = confirmed(event, person=duplicate)

    response = client_for(officer).post(
        "/people/merge/", {"ids": [survivor.pk, duplicate.pk], "survivor": survivor.pk}
    )

    assert response.status_code == 302
    assert not Person.objects.filter(pk=duplicate.pk).exists()
    assert list(Registration.objects.filter(event=event).values_list("pk", "person_id")) == [
        (place.pk, survivor.pk)
    ]


def test_a_merge_that_fails_later_keeps_every_registration(people, monkeypatch):
    survivor, duplicate = people
    event = EventFactory(capacity=1)
    mine = waitlisted(event, 1, person=survivor)
    theirs = confirmed(event, person=duplicate)

    def explode(self, *args, **kwargs):
        raise RuntimeError("lost the database")

    monkeypatch.setattr(Person, "delete", explode)
    with pytest.raises(RuntimeError):
        merge(survivor, duplicate)

    assert Registration.objects.get(pk=mine.pk).waitlist_position == 1
    assert Registration.objects.get(pk=theirs.pk).person_id == duplicate.pk

"""Requesting a summary, and the job's claim / progress / result rules (tasks run eagerly here;
tests/evidence/test_tasks.py runs them on a real worker)."""

from datetime import date, timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.utils import timezone

from evidence import aggregation, services, tasks
from evidence.aggregation import Scope, build_result
from evidence.models import EvidenceSummary
from tests.factories import OrganisationFactory
from tests.factories_summaries import EvidenceSummaryFactory, InsightFactory, taxonomy

pytestmark = pytest.mark.django_db

JAN = {"period_start": date(2026, 1, 1), "period_end": date(2026, 1, 31)}


@pytest.fixture
def themes():
    return taxonomy()


@pytest.fixture
def some_evidence(themes):
    organisation = OrganisationFactory(sic_codes=["25110"], employees=20)
    InsightFactory(
        organisation=organisation,
        recorded_on=date(2026, 1, 10),
        themes=[themes["premises"]],
        quote="No space to grow.",
        severity=3,
    )
    return organisation


def request(officer, **overrides):
    return services.summary_request(requested_by=officer, **{**JAN, **overrides})


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"period_end": date(2025, 12, 31)}, "period_end", "same as or after its start"),
        ({"period_start": date(2019, 1, 1)}, "period_end", "5 years or shorter"),
        ({"themes": ["skills", "no-such-theme"]}, "themes", "Unknown theme: no-such-theme"),
        ({"sectors": ["C", "Z"]}, "sectors", "Unknown SIC section: Z"),
        ({"size_bands": ["huge"]}, "size_bands", "Unknown size band: huge"),
        ({"local_authorities": ["x" * 101]}, "local_authorities", "at most 100 characters"),
    ],
)
def test_it_rejects_a_bad_request_naming_the_field(officer, themes, overrides, field, message):
    with pytest.raises(ValidationError) as raised:
        request(officer, **overrides)
    assert message in " ".join(raised.value.message_dict[field])
    assert not EvidenceSummary.objects.exists()


def test_it_rejects_a_period_starting_in_the_future(officer, themes):
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError) as raised:
        request(officer, period_start=tomorrow, period_end=tomorrow)
    assert "period_start" in raised.value.message_dict


def test_it_normalises_the_filters(officer, themes, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        summary = request(
            officer,
            themes=["skills", "skills", " finance "],
            sectors=["j", "C"],
            size_bands=["MEDIUM", "micro"],
            local_authorities=["Oxford ", "Cherwell", ""],
        )
    assert summary.themes == ["skills", "finance"]
    assert summary.sectors == ["C", "J"]
    assert summary.size_bands == ["micro", "medium"]
    assert summary.local_authorities == ["Cherwell", "Oxford"]
    assert summary.status == "queued"
    assert summary.requested_by == officer


def test_it_queues_the_job_only_after_commit_and_the_job_stores_the_result(
    officer, some_evidence, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        summary = request(officer)
    summary.refresh_from_db()
    assert summary.status == "queued"  # nothing ran inside the transaction
    assert len(callbacks) == 1
    callbacks[0]()
    summary.refresh_from_db()
    assert summary.status == "done"
    assert summary.progress == 100
    assert summary.error == ""
    assert summary.started_at and summary.finished_at
    assert summary.result == build_result(Scope(**JAN))
    assert summary.result["themes"][0]["theme"] == "growth-barriers"
    assert summary.result["themes"][0]["quotes"] == [
        {"text": "No space to grow.", "attribution": "a small manufacturing business"}
    ]


def test_it_reports_progress_in_steps_up_to_done(officer, some_evidence, monkeypatch):
    seen = []
    real = services.summary_progress

    def spy(**kwargs):
        seen.append(kwargs["progress"])
        return real(**kwargs)

    monkeypatch.setattr(services, "summary_progress", spy)
    summary = EvidenceSummaryFactory(**JAN)
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "done"
    assert seen == sorted(seen) and len(seen) >= 6 and seen[-1] < 100
    summary.refresh_from_db()
    assert summary.progress == 100


def test_the_result_snapshot_never_changes_afterwards(officer, some_evidence, themes):
    summary = EvidenceSummaryFactory(**JAN)
    tasks.build_summary.apply(args=[summary.pk])
    summary.refresh_from_db()
    snapshot = summary.result
    # New evidence, then the same message delivered again, even as a redelivery: no change.
    InsightFactory(recorded_on=date(2026, 1, 11), themes=[themes["skills"]])
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "skipped"
    assert services.summary_claim(summary_id=summary.pk, redelivered=True) is None
    summary.refresh_from_db()
    assert summary.result == snapshot
    assert summary.status == "done"


def test_a_summary_held_by_a_live_job_is_left_alone(some_evidence):
    started = timezone.now() - timedelta(seconds=5)
    summary = EvidenceSummaryFactory(**JAN, status="running", started_at=started, progress=40)
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "skipped"
    summary.refresh_from_db()
    assert (summary.status, summary.progress, summary.started_at) == ("running", 40, started)


def test_a_summary_whose_job_outlived_the_hard_time_limit_is_reclaimed(some_evidence):
    dead = timezone.now() - timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 1)
    summary = EvidenceSummaryFactory(**JAN, status="running", started_at=dead, progress=40)
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "done"
    summary.refresh_from_db()
    assert summary.status == "done" and summary.started_at > dead


def test_a_redelivered_message_reclaims_and_the_old_job_can_write_nothing(some_evidence):
    summary = EvidenceSummaryFactory(**JAN)
    first = services.summary_claim(summary_id=summary.pk)
    assert first is not None
    # The same message again, not redelivered: someone holds it.
    assert services.summary_claim(summary_id=summary.pk) is None
    # Redelivered (its worker died): the new job takes over with a new claim.
    second = services.summary_claim(summary_id=summary.pk, redelivered=True)
    assert second is not None and second != first
    with pytest.raises(services.ClaimLost):
        services.summary_progress(summary_id=summary.pk, claim=first, progress=50)
    assert services.summary_finish(summary_id=summary.pk, claim=first, result={"x": 1}) is False
    assert services.summary_fail(summary_id=summary.pk, claim=first, error="x") is False
    assert services.summary_finish(summary_id=summary.pk, claim=second, result={"y": 2}) is True
    # Exactly once: nobody can write the result again, not even the winner.
    assert services.summary_finish(summary_id=summary.pk, claim=second, result={"z": 3}) is False
    summary.refresh_from_db()
    assert summary.result == {"y": 2}


def test_a_failure_is_recorded_with_a_clear_error(some_evidence, monkeypatch):
    def broken(scope, progress=None):
        raise ValueError("the taxonomy is in a knot")

    monkeypatch.setattr(aggregation, "build_result", broken)
    summary = EvidenceSummaryFactory(**JAN)
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "failed"
    summary.refresh_from_db()
    assert summary.status == "failed"
    assert summary.result is None
    assert summary.error == "The summary could not be built: ValueError: the taxonomy is in a knot"
    assert summary.finished_at is not None


def test_the_soft_time_limit_fails_the_summary_saying_why(some_evidence, monkeypatch):
    def slow(scope, progress=None):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(aggregation, "build_result", slow)
    summary = EvidenceSummaryFactory(**JAN)
    assert tasks.build_summary.apply(args=[summary.pk]).get() == "timed out"
    summary.refresh_from_db()
    assert summary.status == "failed"
    assert "longer than the 25-minute limit" in summary.error


def test_it_retries_transient_database_errors_keeping_its_claim(some_evidence, monkeypatch):
    calls = []
    real = aggregation.build_result

    def flaky(scope, progress=None):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("could not serialize access")
        return real(scope, progress)

    monkeypatch.setattr(aggregation, "build_result", flaky)
    summary = EvidenceSummaryFactory(**JAN)
    tasks.build_summary.apply(args=[summary.pk])
    summary.refresh_from_db()
    assert len(calls) == 2
    assert summary.status == "done"


def test_it_does_not_retry_other_errors(some_evidence, monkeypatch):
    calls = []

    def broken(scope, progress=None):
        calls.append(1)
        raise KeyError("themes")

    monkeypatch.setattr(aggregation, "build_result", broken)
    summary = EvidenceSummaryFactory(**JAN)
    tasks.build_summary.apply(args=[summary.pk])
    assert len(calls) == 1


def test_the_time_limits_are_below_the_broker_visibility_timeout():
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    task = tasks.build_summary
    assert task.acks_late and task.reject_on_worker_lost
    assert 0 < task.soft_time_limit < task.time_limit < visibility


def test_the_monthly_summary_covers_the_last_full_month_once(
    themes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.summary_request_monthly(today=date(2026, 3, 1))
    assert (summary.period_start, summary.period_end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert summary.scheduled and summary.requested_by is None
    summary.refresh_from_db()
    assert summary.status == "done"
    # Beat firing twice (a restart) does not make a second one.
    assert services.summary_request_monthly(today=date(2026, 3, 20)) is None
    # Leap year and year end.
    assert services.last_full_month(date(2024, 3, 31)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert services.last_full_month(date(2026, 1, 1)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_the_beat_schedule_runs_the_monthly_task():
    from config.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["evidence-monthly-summary"]
    assert entry["task"] == "evidence.tasks.request_monthly_summary"
    assert entry["task"] in app.tasks
    schedule = entry["schedule"]
    assert schedule.day_of_month == {1}
    sweep = settings.CELERY_BEAT_SCHEDULE["evidence-requeue-stalled-summaries"]
    assert sweep["task"] in app.tasks


def test_publishing_needs_a_finished_summary(officer, some_evidence):
    summary = EvidenceSummaryFactory(**JAN)
    with pytest.raises(ValidationError):
        services.summary_publish(summary=summary, published_by=officer)
    tasks.build_summary.apply(args=[summary.pk])
    published = services.summary_publish(summary=summary, published_by=officer)
    assert published.published and published.published_by == officer
    assert published.published_at is not None
    assert not services.summary_unpublish(summary=summary).published


def test_stalled_summaries_are_sent_again_and_built_once(some_evidence):
    now = timezone.now()
    hard = settings.CELERY_TASK_TIME_LIMIT
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    lost = EvidenceSummaryFactory(**JAN)
    fresh = EvidenceSummaryFactory(**JAN)
    abandoned = EvidenceSummaryFactory(
        **JAN, status="running", started_at=now - timedelta(seconds=hard + visibility + 60)
    )
    live = EvidenceSummaryFactory(**JAN, status="running", started_at=now - timedelta(seconds=60))
    EvidenceSummary.objects.filter(pk=lost.pk).update(created=now - timedelta(minutes=11))
    EvidenceSummary.objects.filter(pk=fresh.pk).update(created=now - timedelta(minutes=1))

    assert services.summaries_requeue_stalled(now=now) == [lost.pk, abandoned.pk]

    statuses = dict(EvidenceSummary.objects.values_list("pk", "status"))
    assert statuses == {
        lost.pk: "done",
        fresh.pk: "queued",
        abandoned.pk: "done",
        live.pk: "running",
    }
    assert services.summaries_requeue_stalled(now=now) == []


@pytest.mark.django_db(transaction=True)
def test_a_broker_outage_at_request_time_keeps_the_request(officer, monkeypatch, api_client_for):
    from kombu.exceptions import OperationalError as BrokerDown

    taxonomy()

    def down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    # Only the outage is undone afterwards (not the in-process task mode of conftest).
    with monkeypatch.context() as outage:
        outage.setattr(tasks.build_summary, "delay", down)
        response = api_client_for(officer).post(
            "/api/v1/summaries/",
            {"period_start": "2026-01-01", "period_end": "2026-01-31"},
            format="json",
        )
    assert response.status_code == 202
    summary = EvidenceSummary.objects.get(pk=response.json()["id"])
    assert summary.status == "queued"
    later = timezone.now() + services.STALLED_QUEUED_AFTER + timedelta(seconds=1)
    assert services.summaries_requeue_stalled(now=later) == [summary.pk]
    summary.refresh_from_db()
    assert summary.status == "done"

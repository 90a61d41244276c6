"""The Celery application with no broker: tasks run in-process, and quietly."""

import logging

import pytest

from config.celery import app


@pytest.mark.django_db
def test_a_task_run_in_process_logs_no_broker_warning(caplog):
    from evidence.tasks import requeue_stalled_summaries

    if app.conf.broker_url and not app.conf.broker_url.startswith("memory://"):
        pytest.skip("a broker is configured: this is about the embedded default")
    with caplog.at_level(logging.WARNING):
        requeue_stalled_summaries.delay()
    assert not [record for record in caplog.records if "hostname" in record.getMessage()]

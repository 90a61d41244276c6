"""The Celery application: `celery -A config worker` and `celery -A config beat`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("placevoice")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

if app.conf.task_always_eager and not app.conf.broker_url:
    # No broker: tasks run in-process, but Celery still builds a producer to serialise their
    # arguments, and kombu warns about the missing host on every task. An in-memory
    # transport is never contacted and says nothing.
    app.conf.broker_url = "memory://localhost/"

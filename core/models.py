"""What every app's background jobs share. core holds no tables of its own."""

from django.db import models


class JobStatus(models.TextChoices):
    """The life of a background job (an import, an evidence summary): SPEC §3."""

    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"

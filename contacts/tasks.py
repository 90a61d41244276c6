"""Background jobs of contacts: CSV imports (SPEC §2 Import)."""

from celery import shared_task

from contacts.imports import jobs
from contacts.privacy.tasks import apply_retention  # noqa: F401  (found by autodiscovery)


# Celery ships no type stubs, so its task decorator is untyped.
@shared_task(name="contacts.run_import")  # type: ignore[untyped-decorator]
def run_import(job_id: int) -> None:
    """Run import job `job_id`. Safe to deliver twice: the job is claimed before it runs."""
    jobs.import_run(job_id=job_id)

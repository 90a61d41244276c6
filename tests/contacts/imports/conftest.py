import pytest

from contacts import imports
from tests.contacts.imports.files import upload


@pytest.fixture
def run_import(django_capture_on_commit_callbacks, officer):
    """Queue an import as the API does and run its task (in-process) after the commit."""

    def run(name, *, kind="organisations", format="generic", dry_run=False, content=None):
        with django_capture_on_commit_callbacks(execute=True):
            job = imports.import_request(
                upload=upload(name, content),
                kind=kind,
                format=format,
                dry_run=dry_run,
                user=officer,
            )
        job.refresh_from_db()
        return job

    return run

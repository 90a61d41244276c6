"""Background job for the personal-data retention rule (SPEC §4; see contacts.privacy.retention).

Imported by contacts.tasks so Celery's autodiscovery registers it; scheduled monthly by
CELERY_BEAT_SCHEDULE["contacts-personal-data-retention"].
"""

from celery import shared_task

from contacts.privacy import retention


# Celery ships no type stubs, so its task decorator is untyped.
@shared_task(name="contacts.apply_retention", ignore_result=True)  # type: ignore[untyped-decorator]
def apply_retention() -> int:
    """Anonymise the people the retention rule selects. Safe to run twice or to overlap: each
    person is re-checked under a row lock, and erasing someone erased changes nothing."""
    return retention.apply_retention().count

"""Personal data in one place (UK GDPR, SPEC §4): the registry the apps above contacts add to,
subject-access export and erasure (services), the retention rule (retention), and their pages,
API actions and monthly task (views, api, tasks).

The names apps above contacts call are re-exported here, so they write
`from contacts import privacy` and `privacy.register(…)` whatever the modules inside.
"""

from contacts.privacy.services import (
    ERASED_FIRST_NAME,
    ERASED_LAST_NAME,
    activity_checks,
    audit_entries,
    iso,
    person_erase,
    person_export,
    person_export_logged,
    register,
    scrub_audit_entries,
)

__all__ = [
    "ERASED_FIRST_NAME",
    "ERASED_LAST_NAME",
    "activity_checks",
    "audit_entries",
    "iso",
    "person_erase",
    "person_export",
    "person_export_logged",
    "register",
    "scrub_audit_entries",
]

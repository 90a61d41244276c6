"""CSV import of organisations and people (SPEC §2 Import, §3 `imports/`).

Two formats of organisations (the PlaceVoice template and Companies House "Basic Company
Data") and one of people. An import is a background job (`contacts.tasks.run_import`) that
updates or creates: organisations by company number (a row without one is always created),
people by email compared ignoring case (a row without one is always created).

Decisions a user (and a reader) needs to know:

- **All or nothing.** If any row is rejected, nothing is imported: the job fails and lists
  every rejected row, the user fixes the file and uploads it again (re-uploading is safe,
  since rows already in the CRM come back as "unchanged"). A half-imported file is harder
  to reason about than none. A dry run checks the whole file, reports what would be created,
  updated and left unchanged, lists every rejected row, and changes nothing.
- **Line numbers** count the header as line 1 and every record after it as one line, blank
  lines included: the row number a spreadsheet shows. A quoted cell holding line breaks is
  still one line (so this is not always the line in a text editor).
- **Empty cells leave a field as it is** on an existing record; to clear a field, edit the
  record. Tags in a file are added to the organisation's tags, never removed.
- **Same rules as the forms and API**: rows are checked with the model's validators
  (`full_clean`, the same checks `contacts.services` runs) after the same normalisation
  (company numbers upper-cased and zero-padded, postcodes formatted like `OX1 1BX`, SIC codes
  from SIC 2007). A company number or email appearing twice in one file rejects the later row.
- **A crash changes nothing.** Rows are first read and checked without writing (progress is
  committed as it goes, so the job page can follow it); then every write happens inside one
  transaction, so an error part-way rolls everything back and the job is marked failed with
  the reason. While that transaction is open on PostgreSQL, progress is written through a
  second database connection; SQLite has a single writer, so there the page sees the write
  phase jump to 100 when it commits.
- **One run per job.** The task claims the job with a conditional update (queued → running),
  so a redelivered message does not run it twice. A job left `running` by a worker killed
  past the task's hard time limit is claimed again (its transaction was rolled back).
- **Bad files** (not UTF-8 or Windows-1252 text, empty, over the size limit, missing required
  columns, the other format's columns, unknown columns in the template) are refused when
  uploaded with a message saying what to do; a file that turns out to be malformed further
  down fails its job with the reason.
"""

from contacts.imports.jobs import import_claim, import_repeat, import_request, import_run
from contacts.imports.parsing import (
    ORGANISATION_TEMPLATE_COLUMNS,
    PERSON_TEMPLATE_COLUMNS,
    max_bytes,
    template_csv,
)

__all__ = [
    "ORGANISATION_TEMPLATE_COLUMNS",
    "PERSON_TEMPLATE_COLUMNS",
    "import_claim",
    "import_repeat",
    "import_request",
    "import_run",
    "max_bytes",
    "template_csv",
]

"""Logging filters: a refused request (4xx) is one line in the log, not a traceback."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """Django logs a 403 or 404 with the exception that caused it; for a client's error that
    traceback is noise (the line says what happened). Server errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True

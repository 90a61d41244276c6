"""A refused request is one line in the log; a server error keeps its traceback."""

import io
import logging
import sys

import pytest
from django.test import Client

from core.logging import NoTracebackForClientErrors


def _record(status: int) -> logging.LogRecord:
    try:
        raise PermissionError("refused")
    except PermissionError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "x", (), exc_info)
    record.status_code = status
    return record


@pytest.mark.parametrize(("status", "keeps"), [(403, False), (404, False), (500, True)])
def test_it_drops_the_traceback_of_client_errors_only(status, keeps):
    record = _record(status)
    assert NoTracebackForClientErrors().filter(record) is True
    assert (record.exc_info is not None) == keeps


@pytest.mark.django_db
def test_a_403_is_logged_once_without_a_traceback(make_user):
    # Every stream handler the configured loggers write through, pointed at one buffer.
    stream = io.StringIO()
    loggers = [
        logging.getLogger(),
        logging.getLogger("django"),
        logging.getLogger("django.request"),
    ]
    # (Exactly StreamHandler: pytest adds capturing subclasses of its own.)
    handlers = {h for lg in loggers for h in lg.handlers if type(h) is logging.StreamHandler}
    saved = {handler: handler.setStream(stream) for handler in handlers}
    try:
        client = Client()
        client.force_login(make_user("growth_group"))
        assert client.get("/people/").status_code == 403
    finally:
        for handler, original in saved.items():
            handler.setStream(original)
    logged = stream.getvalue()
    assert logged.count("Forbidden") == 1
    assert "Traceback" not in logged

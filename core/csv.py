"""CSV downloads, written so Excel opens them as UTF-8."""

import csv
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse


def csv_download(name: str, rows: Iterable[Sequence[Any]]) -> HttpResponse:
    """An attachment called `name` holding `rows` (the first is the header)."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response.write("\ufeff")  # so Excel reads it as UTF-8
    writer = csv.writer(response, lineterminator="\r\n")
    writer.writerows(rows)
    return response

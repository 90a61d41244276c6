"""The date-range validator of core.limits: years 1900 to 2100 (SPEC §4), for dates and
date-times alike."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from core.limits import validate_date_in_range


@pytest.mark.parametrize("year", [1, 105, 1899, 2101, 9999])
def test_it_rejects_dates_outside_1900_to_2100(year):
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        validate_date_in_range(datetime.date(year, 1, 1))
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        validate_date_in_range(datetime.datetime(year, 1, 1, tzinfo=datetime.UTC))


@pytest.mark.parametrize("year", [1900, 2026, 2100])
def test_it_accepts_dates_from_1900_to_2100_and_none(year):
    validate_date_in_range(datetime.date(year, 6, 1))
    validate_date_in_range(datetime.datetime(year, 6, 1, tzinfo=datetime.UTC))
    validate_date_in_range(None)
    validate_date_in_range(None)

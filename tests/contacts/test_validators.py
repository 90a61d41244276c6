"""The date validators of contacts.validators: years 1900 to 2100 (SPEC §4)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from contacts.validators import validate_reasonable_date, validate_reasonable_datetime


@pytest.mark.parametrize("year", [1, 105, 1899, 2101, 9999])
def test_it_rejects_dates_outside_1900_to_2100(year):
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        validate_reasonable_date(datetime.date(year, 1, 1))
    with pytest.raises(ValidationError, match="between 1900 and 2100"):
        validate_reasonable_datetime(datetime.datetime(year, 1, 1, tzinfo=datetime.UTC))


@pytest.mark.parametrize("year", [1900, 2026, 2100])
def test_it_accepts_dates_from_1900_to_2100_and_none(year):
    validate_reasonable_date(datetime.date(year, 6, 1))
    validate_reasonable_datetime(datetime.datetime(year, 6, 1, tzinfo=datetime.UTC))
    validate_reasonable_date(None)
    validate_reasonable_datetime(None)

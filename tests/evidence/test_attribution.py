"""How a quote is attributed and which quotes are shown (SPEC §2): the wording for every
sector section and organisation kind, with "a"/"an" and unknown parts left out, and a repeated
quote skipped for the next one; checked in the API result and in the PDF's text."""

from datetime import date

import pytest

from evidence import exports, services
from tests.evidence.test_api import URL, pdf_text
from tests.factories import OrganisationFactory
from tests.factories_summaries import InsightFactory, taxonomy

pytestmark = pytest.mark.django_db

# One five-digit SIC code in each section, and the organisation described when its size is
# unknown: "an" before the vowel-initial short names (agriculture, energy, international).
SECTIONS = [
    ("A", "01110", "an agriculture business"),
    ("B", "05101", "a mining business"),
    ("C", "25110", "a manufacturing business"),
    ("D", "35110", "an energy business"),
    ("E", "36000", "a water and waste business"),
    ("F", "41201", "a construction business"),
    ("G", "47110", "a retail and wholesale business"),
    ("H", "49410", "a transport and logistics business"),
    ("I", "56101", "a hospitality business"),
    ("J", "62012", "a digital and media business"),
    ("K", "64191", "a finance and insurance business"),
    ("L", "68100", "a property business"),
    ("M", "69102", "a professional services business"),
    ("N", "78109", "a business support business"),
    ("O", "84110", "a public sector business"),
    ("P", "85310", "an education business"),
    ("Q", "86101", "a health and care business"),
    ("R", "90010", "an arts and leisure business"),
    ("S", "96020", "a personal services business"),
    ("T", "97000", "a household business"),
    ("U", "99000", "an international business"),
]

# (kind, SIC codes, employees, expected): sizes, unknown parts, and every other kind (named
# by kind alone, whatever its size and sector).
ORGANISATIONS = [
    ("business", ["56101"], 4, "a micro hospitality business"),
    ("business", ["25110"], 12, "a small manufacturing business"),
    ("business", ["35110"], 120, "a medium energy business"),
    ("business", ["62012"], 900, "a large digital and media business"),
    ("business", [], 12, "a small business"),
    ("business", [], None, "a business"),
    ("trade_body", ["94110"], 12, "a trade body"),
    ("higher_education", ["85421"], 3000, "a university"),
    ("further_education", ["85410"], 300, "a college"),
    ("anchor_institution", ["86101"], 5000, "an anchor institution"),
    ("voluntary", ["88990"], 8, "a voluntary organisation"),
    ("public_body", ["84110"], 400, "a public body"),
    ("other", [], None, "an organisation"),
]


def _summary(officer, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        summary = services.summary_request(
            requested_by=officer, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
    summary.refresh_from_db()
    assert summary.status == "done", summary.error
    return summary


def _quote_from(organisation, text, severity=3):  # type: ignore[no-untyped-def]
    return InsightFactory(
        organisation=organisation,
        recorded_on=date(2026, 1, 10),
        themes=[taxonomy()["premises"]],
        quote=text,
        attribution="anonymous",
        severity=severity,
    )


def _check(officer, api_client_for, capture, expected):  # type: ignore[no-untyped-def]
    summary = _summary(officer, capture)
    body = api_client_for(officer).get(f"{URL}{summary.pk}/").json()
    (theme,) = [entry for entry in body["result"]["themes"] if entry["quotes"]]
    assert [quote["attribution"] for quote in theme["quotes"]] == [expected]
    assert f"— {expected}" in pdf_text(exports.summary_pdf(summary))


@pytest.mark.parametrize(("letter", "code", "expected"), SECTIONS, ids=[s[0] for s in SECTIONS])
def test_it_names_each_sector_by_its_short_name(
    letter, code, expected, officer, api_client_for, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(sic_codes=[code], employees=None)
    assert organisation.sector_code == letter
    _quote_from(organisation, "We need more space.")
    _check(officer, api_client_for, django_capture_on_commit_callbacks, expected)


@pytest.mark.parametrize(
    ("kind", "codes", "employees", "expected"), ORGANISATIONS, ids=[o[3] for o in ORGANISATIONS]
)
def test_it_describes_each_kind_leaving_out_what_is_unknown(
    kind, codes, employees, expected, officer, api_client_for, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(kind=kind, sic_codes=codes, employees=employees)
    _quote_from(organisation, "We need more space.")
    _check(officer, api_client_for, django_capture_on_commit_callbacks, expected)


def test_it_skips_a_repeated_quote_and_takes_the_next(
    officer, api_client_for, django_capture_on_commit_callbacks
):
    organisation = OrganisationFactory(sic_codes=["25110"], employees=12)
    _quote_from(organisation, "Rents keep rising.", severity=5)
    _quote_from(organisation, "  RENTS keep rising. ", severity=4)  # the same, skipped
    _quote_from(organisation, "No loading bay.", severity=3)
    _quote_from(organisation, "rents keep rising.", severity=2)  # the same, skipped
    _quote_from(organisation, "The roof leaks.", severity=1)
    _quote_from(organisation, "Not reached: three are shown.", severity=None)

    summary = _summary(officer, django_capture_on_commit_callbacks)

    body = api_client_for(officer).get(f"{URL}{summary.pk}/").json()
    (theme,) = [entry for entry in body["result"]["themes"] if entry["quotes"]]
    assert [quote["text"] for quote in theme["quotes"]] == [
        "Rents keep rising.",
        "No loading bay.",
        "The roof leaks.",
    ]
    text = pdf_text(exports.summary_pdf(summary))
    assert text.count("ents keep rising.") == 1
    assert "No loading bay." in text and "The roof leaks." in text
    assert "Not reached" not in text


def test_it_skips_repeats_that_only_python_sees_as_the_same(
    officer, django_capture_on_commit_callbacks
):
    """Newlines and tabs around a quote are not removed by SQL's TRIM: more candidates are
    read until three different quotes are found."""
    organisation = OrganisationFactory(sic_codes=["25110"], employees=12)
    for index in range(20):
        _quote_from(organisation, "\n" * index + "Same words." + "\t" * index, severity=5)
    _quote_from(organisation, "Second words.", severity=2)
    _quote_from(organisation, "Third words.", severity=1)

    summary = _summary(officer, django_capture_on_commit_callbacks)

    (theme,) = [entry for entry in summary.result["themes"] if entry["quotes"]]
    assert [quote["text"] for quote in theme["quotes"]] == [
        "Same words.",
        "Second words.",
        "Third words.",
    ]

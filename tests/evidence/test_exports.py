"""Exports stay quick whatever the stored data (SPEC §4): text is cut and long words broken
before reportlab lays them out, and the PDF has a budget of quotes."""

from datetime import date

import pytest

from core import limits
from evidence import exports, services
from insights.models import Insight
from tests.evidence.test_api import pdf_text
from tests.factories import OrganisationFactory
from tests.factories_summaries import InsightFactory, taxonomy

pytestmark = pytest.mark.django_db


def summary_quoting(quote: str, officer, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    themes = taxonomy()
    insight = InsightFactory(
        organisation=OrganisationFactory(name="Alpha Engineering Ltd", sic_codes=["25110"]),
        recorded_on=date(2026, 1, 10),
        themes=[themes["premises"]],
        kind="barrier",
        quote="placeholder",
        attribution="named",
    )
    # As a row stored before the limits: written past the validators.
    Insight.objects.filter(pk=insight.pk).update(quote=quote)
    with django_capture_on_commit_callbacks(execute=True):
        summary = services.summary_request(
            requested_by=officer, period_start=date(2026, 1, 1), period_end=date(2026, 1, 31)
        )
    summary.refresh_from_db()
    return summary


def test_it_cuts_a_one_megabyte_quote_in_the_pdf(officer, django_capture_on_commit_callbacks):
    summary = summary_quoting("word " * 200_000, officer, django_capture_on_commit_callbacks)
    assert len(summary.result["themes"][0]["quotes"][0]["text"]) > 900_000

    text = pdf_text(exports.summary_pdf(summary))

    assert 0 < text.count("word") <= limits.STATEMENT_MAX // 5


def test_it_breaks_a_one_megabyte_word_in_the_pdf(officer, django_capture_on_commit_callbacks):
    summary = summary_quoting("x" * 1_000_000, officer, django_capture_on_commit_callbacks)

    text = pdf_text(exports.summary_pdf(summary))

    assert "x" * exports.LONGEST_WORD in text
    assert "x" * (exports.LONGEST_WORD + 1) not in text
    assert text.count("x") < limits.STATEMENT_MAX + 100


def test_fit_text_cuts_with_an_ellipsis_and_breaks_long_words() -> None:
    assert exports.fit_text("short words stay", 2_000) == "short words stay"
    cut = exports.fit_text("a " * 5_000, 2_000)
    assert len(cut) <= 2_000 and cut.endswith("…")
    broken = exports.fit_text("y" * 150, 2_000)
    assert broken == f"{'y' * 60} {'y' * 60} {'y' * 30}"
    assert exports.fit_text("z" * 60, 2_000) == "z" * 60


def test_the_pdf_shows_at_most_its_budget_of_quotes_per_theme(
    officer, django_capture_on_commit_callbacks
):
    summary = summary_quoting("Quoted.", officer, django_capture_on_commit_callbacks)
    quotes = summary.result["themes"][0]["quotes"]
    summary.result["themes"][0]["quotes"] = quotes * 50

    text = pdf_text(exports.summary_pdf(summary))

    assert text.count("Quoted.") == exports.QUOTES_PER_THEME


def test_a_pdf_past_its_time_budget_is_refused_not_waited_for(
    officer, django_capture_on_commit_callbacks, monkeypatch
):
    summary = summary_quoting("Quoted.", officer, django_capture_on_commit_callbacks)
    monkeypatch.setattr(exports, "PDF_SECONDS", -1.0)

    with pytest.raises(exports.ExportTooSlow):
        exports.summary_pdf(summary)

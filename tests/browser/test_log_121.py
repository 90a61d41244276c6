"""Logging a 1-2-1 the way an officer does, in headless Chromium, and axe-core checks of the
capture pages."""

import datetime
import re

import pytest
from django.utils import timezone

from engagement.models import Action, Interaction
from insights.models import Insight
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import OrganisationFactory, PersonFactory, UserFactory
from tests.factories_capture import (
    ActionFactory,
    InsightFactory,
    InteractionFactory,
    ensure_taxonomy,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def browser_officer(transactional_db):
    ensure_taxonomy()
    return UserFactory(role="officer", username="olivia", first_name="Olivia", last_name="Okafor")


def test_an_officer_logs_a_1_2_1_with_two_insights_and_an_action(
    page, live_server, browser_officer
):
    organisation = OrganisationFactory(name="Cowley Components Ltd", town="Oxford")
    OrganisationFactory(name="Cowley Road Cafe")
    person = PersonFactory(organisation=organisation, first_name="Priya", last_name="Shah")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    due = timezone.localdate() + datetime.timedelta(days=14)

    sign_in(page, live_server, browser_officer)
    page.get_by_role("link", name="Log a 1-2-1").first.click()
    page.wait_for_url(re.compile(r"/log/$"))

    # Type-ahead: type part of the name, then choose with the keyboard.
    search = page.get_by_label("Organisation", exact=True)
    search.click()
    search.type("Cowley Comp", delay=40)
    option = page.get_by_role("option", name=re.compile("Cowley Components Ltd"))
    option.wait_for()
    search.press("ArrowDown")
    search.press("Enter")
    assert page.locator("#id_organisation").input_value() == str(organisation.pk)
    page.get_by_label(re.compile("Priya Shah")).check()

    page.get_by_label("Date of the 1-2-1").fill(yesterday.isoformat())
    page.get_by_label("Notes (optional)").fill("Toured the new line; talked about hiring.")
    page.get_by_label("Involve", exact=True).check()

    first = page.locator("#id_insights-0")
    first.get_by_label("What the business said").fill("They cannot recruit enough welders")
    first.get_by_label("Quote (optional)").fill("We could double output with six more welders")
    first.get_by_label("Skilled labour").check()
    first.get_by_label("Recruitment").check()
    first.get_by_label("Barrier", exact=True).check()
    first.get_by_label(re.compile("How much it matters")).select_option("4")

    page.get_by_role("button", name="Add another insight").click()
    second = page.locator("#id_insights-1")
    second.wait_for()
    assert second.get_by_role("group", name="Insight 2").count() == 1
    second.get_by_label("What the business said").fill("A German customer wants to double orders")
    second.get_by_label("Exporting").check()
    second.get_by_label("Opportunity", exact=True).check()
    second.get_by_label(re.compile("^Named")).check()

    action = page.locator("#id_actions-0")
    action.get_by_label("What will be done").fill("Introduce them to the college welding course")
    action.get_by_label("Due date (optional)").fill(due.isoformat())

    page.get_by_role("button", name="Save 1-2-1").click()
    page.wait_for_url(re.compile(r"/interactions/\d+/$"))
    assert "1-2-1 recorded with 2 insights and 1 action" in page.content()

    interaction = Interaction.objects.get()
    assert list(interaction.people.all()) == [person]
    assert interaction.participation_level == "involve"
    insights = list(Insight.objects.order_by("id"))
    assert [i.statement for i in insights] == [
        "They cannot recruit enough welders",
        "A German customer wants to double orders",
    ]
    assert sorted(t.slug for t in insights[0].themes.all()) == ["recruitment", "skilled-labour"]
    assert insights[0].severity == 4 and insights[1].kind == "opportunity"
    assert Action.objects.get().due_on == due

    # ...and they are on the organisation's timeline.
    page.goto(f"{live_server.url}/organisations/{organisation.pk}/")
    text = page.locator("main").inner_text()
    assert "They cannot recruit enough welders" in text
    assert "A German customer wants to double orders" in text
    assert "Introduce them to the college welding course" in text
    assert interaction.title in text
    assert_accessible(page)


def test_the_empty_log_form_is_accessible(page, live_server, browser_officer):
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/log/")
    assert_accessible(page)


def test_the_log_form_with_errors_is_accessible_and_keeps_the_input(
    page, live_server, browser_officer
):
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/log/")
    page.locator("#id_insights-0").get_by_label("What the business said").fill("Typed, no themes")
    page.get_by_role("button", name="Save 1-2-1").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter the organisation you met" in summary.inner_text()
    assert "Insight 1: Choose at least one theme" in summary.inner_text()
    assert page.locator("#id_insights-0-statement").input_value() == "Typed, no themes"
    assert Interaction.objects.count() == 0
    assert_accessible(page)
    # The summary links move focus to the field.
    summary.get_by_role("link", name="Insight 1: Choose at least one theme").click()
    assert page.evaluate("document.activeElement.id") == "id_insights-0-themes"


def test_the_autocomplete_works_with_the_keyboard_alone(page, live_server, browser_officer):
    OrganisationFactory(name="Botley Bakery")
    organisation = OrganisationFactory(name="Botley Brewery")
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/log/")
    page.locator("#id_organisation_search").focus()
    page.keyboard.type("Botley B", delay=30)
    page.get_by_role("option").first.wait_for()
    assert page.locator("#id_organisation_search").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    active = page.locator("#id_organisation_search").get_attribute("aria-activedescendant")
    assert page.locator(f"#{active}").inner_text().startswith("Botley Brewery")
    page.keyboard.press("Enter")
    assert page.locator("#id_organisation").input_value() == str(organisation.pk)
    assert page.locator("#organisation-listbox").is_hidden()
    assert_accessible(page)
    # Blank insight and action rows are skipped: the 1-2-1 alone is saved.
    page.get_by_role("button", name="Save 1-2-1").click()
    page.wait_for_url(re.compile(r"/interactions/\d+/$"))
    assert list(Interaction.objects.get().organisations.all()) == [organisation]
    assert (Insight.objects.count(), Action.objects.count()) == (0, 0)


def test_rows_can_be_added_and_removed_before_saving(page, live_server, browser_officer):
    organisation = OrganisationFactory(name="Abingdon Aerospace")
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/log/?organisation={organisation.pk}")
    assert page.locator("#id_organisation").input_value() == str(organisation.pk)
    page.get_by_role("button", name="Add another insight").click()
    page.get_by_role("button", name="Add another insight").click()
    assert page.locator("#insights-rows > [data-row]").count() == 3
    page.locator("#id_insights-0").get_by_label("What the business said").fill("Removed one")
    page.locator("#id_insights-2").get_by_label("What the business said").fill("Kept one")
    page.locator("#id_insights-2").get_by_label("Grants").check()
    page.get_by_role("button", name="Remove insight 1").click()
    assert page.locator("#insights-rows > [data-row]").count() == 2
    # Renumbered: the kept row is now insight 2 of 2, named insights-1-…
    assert page.locator("#id_insights-1-statement").input_value() == "Kept one"
    assert page.locator("input[name=insights-TOTAL_FORMS]").input_value() == "2"
    page.get_by_role("button", name="Save 1-2-1").click()
    page.wait_for_url(re.compile(r"/interactions/\d+/$"))
    assert list(Insight.objects.values_list("statement", flat=True)) == ["Kept one"]


def test_the_log_form_fits_a_phone(phone_page, live_server, browser_officer):
    OrganisationFactory(name="Kidlington Kitchens")
    sign_in(phone_page, live_server, browser_officer)
    phone_page.goto(f"{live_server.url}/log/")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    phone_page.get_by_label("Organisation", exact=True).type("Kidling", delay=30)
    phone_page.get_by_role("option", name=re.compile("Kidlington Kitchens")).click()
    assert phone_page.locator("#id_organisation").input_value() != ""
    assert_accessible(phone_page)


def test_the_officer_home_is_accessible(page, live_server, browser_officer):
    organisation = OrganisationFactory(
        name="Witney Wool", key_account=True, account_manager=browser_officer
    )
    InteractionFactory(
        officer=browser_officer,
        organisations=[organisation],
        occurred_on=timezone.localdate() - datetime.timedelta(days=120),
    )
    ActionFactory(
        assignee=browser_officer,
        organisation=organisation,
        due_on=timezone.localdate() - datetime.timedelta(days=2),
    )
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/")
    assert "Witney Wool" in page.content()
    assert_accessible(page)


def test_the_insight_list_is_accessible(page, live_server, browser_officer):
    InsightFactory(themes=["premises", "transport"], quote="No room to grow")
    InsightFactory(themes=["grants"], kind="opportunity")
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/insights/?theme=growth-barriers")
    assert "No room to grow" in page.content()
    # htmx brings in the count by theme after the list.
    page.locator('#theme-counts td[data-theme="growth-barriers"]').wait_for()
    assert page.locator('#theme-counts td[data-theme="growth-barriers"]').inner_text() == "1"
    assert_accessible(page)


def test_the_interaction_page_is_accessible(page, live_server, browser_officer):
    organisation = OrganisationFactory()
    interaction = InteractionFactory(officer=browser_officer, organisations=[organisation])
    InsightFactory(organisation=organisation, interaction=interaction, quote="Quote")
    ActionFactory(organisation=organisation, interaction=interaction)
    sign_in(page, live_server, browser_officer)
    page.goto(f"{live_server.url}/interactions/{interaction.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="Edit this 1-2-1").click()
    page.wait_for_url(re.compile(r"/edit/$"))
    assert_accessible(page)
    page.goto(f"{live_server.url}/insights/{interaction.insights.get().pk}/edit/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/interactions/{interaction.pk}/edit/")
    page.get_by_label("Date").fill("2999-01-01")
    page.get_by_role("button", name="Save changes").click()
    page.locator(".govuk-error-summary").wait_for()
    assert_accessible(page)

"""The shared GOV.UK partials (templates/includes/) render any form field, form or formset."""

from django import forms
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory


class EveryKind(forms.Form):
    title = forms.CharField(help_text="A short title")
    notes = forms.CharField(widget=forms.Textarea, required=False)
    kind = forms.ChoiceField(choices=[("", "Pick one"), ("a", "Apple"), ("b", "Banana")])
    size = forms.ChoiceField(choices=[("s", "Small"), ("l", "Large")], widget=forms.RadioSelect)
    themes = forms.MultipleChoiceField(
        choices=[("x", "Exports"), ("y", "Skills")], widget=forms.CheckboxSelectMultiple
    )
    agree = forms.BooleanField(label="I agree", help_text="Tick to agree")
    upload = forms.FileField(required=False)

    def clean(self):  # type: ignore[no-untyped-def]
        raise forms.ValidationError("Something is wrong with the whole form")


def render(source, **context):
    return Template("{% load govuk %}" + source).render(Context(context))


def field(form, name, extra=""):
    return render(
        f'{{% include "includes/field.html" with field=form.{name} {extra} %}}', form=form
    )


def test_each_kind_of_field_gets_its_govuk_component():
    form = EveryKind()
    assert 'class="govuk-input"' in field(form, "title")
    assert 'id="id_title-hint"' in field(form, "title")
    assert 'aria-describedby="id_title-hint"' in field(form, "title")
    assert 'class="govuk-textarea"' in field(form, "notes") and "(optional)" in field(form, "notes")
    assert 'class="govuk-select"' in field(form, "kind")
    radios = field(form, "size", "inline=True")
    assert "govuk-radios--inline" in radios and "<legend" in radios
    assert radios.count('type="radio"') == 2 and 'id="id_size"' in radios
    boxes = field(form, "themes")
    assert boxes.count('class="govuk-checkboxes__input"') == 2 and 'id="id_themes"' in boxes
    single = field(form, "agree")
    assert 'type="checkbox"' in single and "I agree" in single and "Tick to agree" in single
    assert "govuk-file-upload" in field(form, "upload")


def test_errors_are_shown_on_each_field_and_summarised_with_links():
    form = EveryKind(data={"kind": "c"})
    assert not form.is_valid()
    title = field(form, "title")
    assert "govuk-form-group--error" in title and "govuk-input--error" in title
    assert 'id="id_title-error"' in title
    assert 'aria-describedby="id_title-hint id_title-error"' in title
    radios = field(form, "size")
    assert 'aria-describedby="id_size-error"' in radios
    summary = render('{% include "includes/error_summary.html" with form=form %}', form=form)
    for name in ["title", "kind", "size", "themes", "agree"]:
        assert f'href="#id_{name}"' in summary, name
    # A whole-form error links to the first field.
    assert '<a href="#id_title">Something is wrong with the whole form</a>' in summary


def test_the_error_summary_covers_formsets_and_is_empty_without_errors():
    formset = forms.formset_factory(EveryKind, extra=0, min_num=1)(
        data={
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "0",
            "form-0-title": "",
        }
    )
    formset.is_valid()
    summary = render(
        '{% include "includes/error_summary.html" with form=None forms=formsets %}',
        formsets=[formset],
    )
    assert 'href="#id_form-0-title"' in summary
    assert "govuk-error-summary" not in render(
        '{% include "includes/error_summary.html" with form=form %}', form=EveryKind()
    )


def test_pagination_keeps_the_query_string_and_elides_pages():
    request = RequestFactory().get("/things/?q=cake&page=10")
    page = Paginator(list(range(1000)), 10).get_page(10)
    html = Template(
        '{% include "includes/pagination.html" with page_obj=page_obj label="Pages of things" %}'
    ).render(RequestContext(request, {"page_obj": page}))
    assert 'aria-label="Pages of things"' in html
    assert 'href="?q=cake&amp;page=11"' in html and 'rel="prev"' in html
    assert 'aria-current="page"' in html and "govuk-pagination__item--ellipses" in html
    assert 'aria-label="Page 100"' in html and 'aria-label="Page 50"' not in html

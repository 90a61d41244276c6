"""Writes to insights and the theme taxonomy, and `interaction_log`: a whole 1-2-1 (the
interaction, its insights and its follow-up actions) recorded in one transaction.

Insight.confidential is stored so lists and reports can filter on it with an index; it is
kept equal to `attribution == "confidential" or interaction.confidential` here and nowhere
else (SPEC §1, §2).
"""

import datetime
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone
from django.utils.text import slugify

from contacts.models import Organisation, Person
from engagement.models import Event, Interaction, InteractionKind, ParticipationLevel
from engagement.services import interactions as engagement_services
from insights.models import Attribution, Insight, InsightKind, Theme

Errors = dict[str, list[str]]

INSIGHT_FIELDS = {"kind", "severity", "statement", "quote", "attribution", "recorded_on"}
THEME_FIELDS = {"slug", "name", "parent", "description", "active", "position"}


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _merge(errors: Errors, more: Errors) -> None:
    for field, messages in more.items():
        errors.setdefault(field, []).extend(messages)


def themes_resolve(
    *, themes: Iterable[Theme | str], allowed_retired: Iterable[int] = ()
) -> tuple[list[Theme], list[str]]:
    """Themes (instances or slugs) -> (themes, problems). A new tag must be a known, active
    theme; retired themes already on an insight may stay (`allowed_retired` ids)."""
    wanted = list(themes)
    slugs = [item.slug if isinstance(item, Theme) else str(item) for item in wanted]
    if not slugs:
        return [], ["Choose at least one theme"]
    found = {theme.slug: theme for theme in Theme.objects.filter(slug__in=slugs)}
    problems = []
    keep_retired = set(allowed_retired)
    resolved: list[Theme] = []
    for slug in dict.fromkeys(slugs):
        theme = found.get(slug)
        if theme is None:
            problems.append(f"'{slug}' is not a known theme")
        elif not theme.active and theme.pk not in keep_retired:
            problems.append(f"'{theme.name}' has been retired: choose a current theme")
        else:
            resolved.append(theme)
    return resolved, problems


def insight_errors(
    *,
    statement: str,
    kind: str,
    severity: int | None,
    attribution: str,
    theme_problems: list[str],
    recorded_on: datetime.date | None,
    organisation: Organisation | None,
    organisation_required: bool = True,
    prefix: str = "",
) -> Errors:
    """Every reason an insight cannot be saved, keyed by `prefix` + field."""
    errors: Errors = {}
    if not (statement or "").strip():
        _add(errors, f"{prefix}statement", "Enter what the business said")
    if kind not in InsightKind.values:
        _add(errors, f"{prefix}kind", "Select barrier, opportunity or observation")
    if severity is not None and not 1 <= severity <= 5:
        _add(errors, f"{prefix}severity", "Severity must be between 1 and 5")
    if attribution not in Attribution.values:
        _add(errors, f"{prefix}attribution", "Select how the insight may be attributed")
    for problem in theme_problems:
        _add(errors, f"{prefix}themes", problem)
    if recorded_on is not None and recorded_on > timezone.localdate():
        _add(errors, f"{prefix}recorded_on", "The date must be today or in the past")
    if organisation is None and organisation_required:
        _add(errors, f"{prefix}organisation", "Choose the organisation that said this")
    return errors


def insight_organisation_problem(
    *, organisation: Organisation | None, interaction: Interaction | None
) -> str:
    """Why `organisation` cannot hold an insight of `interaction` ("" when it can)."""
    if interaction is None or organisation is None:
        return ""
    return _organisation_for(organisation, list(interaction.organisations.all()))[1]


def _is_confidential(attribution: str, interaction: Interaction | None) -> bool:
    return attribution == Attribution.CONFIDENTIAL or bool(
        interaction is not None and interaction.confidential
    )


def _organisation_for(
    given: Organisation | None, organisations: Sequence[Organisation]
) -> tuple[Organisation | None, str]:
    """An insight or action of a multi-organisation interaction names one of them; with a
    single organisation it defaults to that one."""
    if given is None:
        if len(organisations) == 1:
            return organisations[0], ""
        return None, "Choose which of the interaction's organisations this is about"
    if organisations and given.pk not in {organisation.pk for organisation in organisations}:
        return None, "The organisation must be one of the interaction's organisations"
    return given, ""


@transaction.atomic
def insight_create(
    *,
    organisation: Organisation | None,
    statement: str,
    themes: Iterable[Theme | str],
    created_by: Any,
    kind: str = InsightKind.OBSERVATION,
    severity: int | None = None,
    quote: str = "",
    attribution: str = Attribution.ANONYMOUS,
    interaction: Interaction | None = None,
    recorded_on: datetime.date | None = None,
) -> Insight:
    """Record one insight. `recorded_on` defaults to the interaction's date, else today."""
    if interaction is not None:
        organisation, problem = _organisation_for(
            organisation, list(interaction.organisations.all())
        )
        if problem:
            raise ValidationError({"organisation": [problem]})
    resolved, problems = themes_resolve(themes=themes)
    errors = insight_errors(
        statement=statement,
        kind=kind,
        severity=severity,
        attribution=attribution,
        theme_problems=problems,
        recorded_on=recorded_on,
        organisation=organisation,
    )
    if errors:
        raise ValidationError(errors)
    return _insight_save(
        organisation=organisation,
        statement=statement,
        themes=resolved,
        created_by=created_by,
        kind=kind,
        severity=severity,
        quote=quote,
        attribution=attribution,
        interaction=interaction,
        recorded_on=recorded_on,
    )


def _insight_save(
    *,
    organisation: Organisation | None,
    statement: str,
    themes: list[Theme],
    created_by: Any,
    kind: str,
    severity: int | None,
    quote: str,
    attribution: str,
    interaction: Interaction | None,
    recorded_on: datetime.date | None,
) -> Insight:
    assert organisation is not None  # checked by insight_errors
    if recorded_on is None:
        recorded_on = interaction.occurred_on if interaction else timezone.localdate()
    insight = Insight.objects.create(
        organisation=organisation,
        interaction=interaction,
        statement=statement.strip(),
        quote=(quote or "").strip(),
        kind=kind,
        severity=severity,
        attribution=attribution,
        confidential=_is_confidential(attribution, interaction),
        recorded_on=recorded_on,
        created_by=created_by,
    )
    insight.themes.set(themes)
    return insight


@transaction.atomic
def insight_update(
    *, insight: Insight, data: dict[str, Any], themes: Iterable[Theme | str] | None = None
) -> Insight:
    unknown = set(data) - INSIGHT_FIELDS - {"organisation"}
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(insight, name, value)
    problems: list[str] = []
    resolved: list[Theme] = []
    if themes is not None:
        current = list(insight.themes.values_list("pk", flat=True))
        resolved, problems = themes_resolve(themes=themes, allowed_retired=current)
    if insight.interaction_id and "organisation" in data:
        _, problem = _organisation_for(
            insight.organisation,
            list(insight.interaction.organisations.all()),  # type: ignore[union-attr]
        )
        if problem:
            problems_org: Errors = {"organisation": [problem]}
            raise ValidationError(problems_org)
    errors = insight_errors(
        statement=insight.statement,
        kind=insight.kind,
        severity=insight.severity,
        attribution=insight.attribution,
        theme_problems=problems,
        recorded_on=insight.recorded_on,
        organisation=insight.organisation,
    )
    if errors:
        raise ValidationError(errors)
    insight.statement = insight.statement.strip()
    insight.confidential = _is_confidential(insight.attribution, insight.interaction)
    insight.save()
    if themes is not None:
        insight.themes.set(resolved)
    return insight


def insights_sync_confidential(*, interaction: Interaction) -> int:
    """Re-derive Insight.confidential for an interaction's insights after its flag changed."""
    if interaction.confidential:
        return Insight.objects.filter(interaction=interaction).update(confidential=True)
    return Insight.objects.filter(interaction=interaction).update(
        confidential=Case(
            When(attribution=Attribution.CONFIDENTIAL, then=Value(True)), default=Value(False)
        )
    )


@transaction.atomic
def interaction_log(
    *,
    officer: Any,
    organisations: Iterable[Organisation],
    occurred_on: datetime.date | None,
    kind: str = InteractionKind.MEETING,
    title: str = "",
    notes: str = "",
    people: Iterable[Person] = (),
    participation_level: str = ParticipationLevel.CONSULT,
    confidential: bool = False,
    event: Event | None = None,
    insights: Sequence[dict[str, Any]] = (),
    actions: Sequence[dict[str, Any]] = (),
) -> Interaction:
    """Record a 1-2-1: the interaction, its insights and follow-up actions, all or nothing.

    Each insight is a dict of `insight_create`'s arguments (without `interaction` and
    `created_by`); each action a dict of `description`, `assignee`, `due_on` and optionally
    `organisation`. Everything is validated before anything is written; errors are keyed by
    field, with `insights-<n>-<field>` and `actions-<n>-<field>` for the rows (the form's
    own field names), so one ValidationError reports every problem at once.
    """
    organisations = list(organisations)
    errors = engagement_services.interaction_errors(
        kind=kind,
        occurred_on=occurred_on,
        title=(title or "").strip(),
        organisations=organisations,
        participation_level=participation_level,
        officer=officer,
    )
    prepared_insights = []
    for index, row in enumerate(insights):
        prefix = f"insights-{index}-"
        organisation, problem = _organisation_for(row.get("organisation"), organisations)
        resolved, theme_problems = themes_resolve(themes=row.get("themes") or [])
        row_errors = insight_errors(
            statement=row.get("statement") or "",
            kind=row.get("kind") or InsightKind.OBSERVATION,
            severity=row.get("severity"),
            attribution=row.get("attribution") or Attribution.ANONYMOUS,
            theme_problems=theme_problems,
            recorded_on=row.get("recorded_on"),
            organisation=organisation,
            organisation_required=bool(organisations) and not problem,
            prefix=prefix,
        )
        if problem and organisations:
            _add(row_errors, f"{prefix}organisation", problem)
        _merge(errors, row_errors)
        prepared_insights.append((row, organisation, resolved))
    prepared_actions = []
    for index, row in enumerate(actions):
        prefix = f"actions-{index}-"
        organisation, problem = _organisation_for(row.get("organisation"), organisations)
        assignee = row.get("assignee") or officer
        row_errors = engagement_services.action_errors(
            description=row.get("description") or "",
            assignee=assignee,
            organisation=organisation,
            organisation_required=bool(organisations) and not problem,
            prefix=prefix,
        )
        if problem and organisations:
            _add(row_errors, f"{prefix}organisation", problem)
        _merge(errors, row_errors)
        prepared_actions.append((row, organisation, assignee))
    if errors:
        raise ValidationError(errors)

    interaction = engagement_services.interaction_create(
        officer=officer,
        organisations=organisations,
        occurred_on=occurred_on,  # type: ignore[arg-type]  # checked above
        kind=kind,
        title=title,
        notes=notes,
        people=people,
        participation_level=participation_level,
        confidential=confidential,
        event=event,
    )
    for row, organisation, resolved in prepared_insights:
        _insight_save(
            organisation=organisation,
            statement=row.get("statement") or "",
            themes=resolved,
            created_by=officer,
            kind=row.get("kind") or InsightKind.OBSERVATION,
            severity=row.get("severity"),
            quote=row.get("quote") or "",
            attribution=row.get("attribution") or Attribution.ANONYMOUS,
            interaction=interaction,
            recorded_on=row.get("recorded_on"),
        )
    engagement_services.actions_create(
        interaction=interaction,
        created_by=officer,
        actions=[
            {**row, "organisation": organisation, "assignee": assignee}
            for row, organisation, assignee in prepared_actions
        ],
    )
    return interaction


def interaction_update_step(*, interaction: Interaction, changed: frozenset[str]) -> None:
    """Registered with engagement's `interaction_update` (InsightsConfig.ready): an
    interaction's insights follow its confidentiality in the same transaction."""
    if "confidential" in changed:
        insights_sync_confidential(interaction=interaction)


def theme_errors(*, theme: Theme) -> Errors:
    """The taxonomy has two levels: a sub-theme's parent must be a top-level theme."""
    errors: Errors = {}
    if not theme.name.strip():
        _add(errors, "name", "Enter a name")
    if not theme.slug:
        _add(errors, "slug", "Enter a slug")
    elif Theme.objects.filter(slug=theme.slug).exclude(pk=theme.pk).exists():
        _add(errors, "slug", "A theme with this slug already exists")
    parent = theme.parent
    if parent is not None:
        if parent.parent_id is not None:
            _add(errors, "parent", "Choose a top-level theme: themes have two levels")
        if theme.pk and parent.pk == theme.pk:
            _add(errors, "parent", "A theme cannot be its own parent")
        if theme.pk and Theme.objects.filter(parent=theme).exists():
            _add(errors, "parent", "This theme has sub-themes, so it must stay top-level")
    return errors


@transaction.atomic
def theme_create(*, data: dict[str, Any]) -> Theme:
    unknown = set(data) - THEME_FIELDS
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    theme = Theme(**data)
    theme.slug = theme.slug or slugify(theme.name)[:64]
    errors = theme_errors(theme=theme)
    if errors:
        raise ValidationError(errors)
    theme.save()
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, data: dict[str, Any]) -> Theme:
    """Rename, move, describe or retire (`active=False`) a theme. Retired themes stay on the
    insights that carry them (Theme is PROTECTed from deletion while in use)."""
    unknown = set(data) - THEME_FIELDS
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    for name, value in data.items():
        setattr(theme, name, value)
    errors = theme_errors(theme=theme)
    if errors:
        raise ValidationError(errors)
    theme.save()
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme) -> None:
    """Only an unused theme may be deleted; one on insights is retired instead, so old
    insights keep their tags."""
    if theme.insights.exists() or Theme.objects.filter(parent=theme).exists():
        raise ValidationError(
            "This theme is in use: retire it (set it inactive) instead of deleting it"
        )
    theme.delete()

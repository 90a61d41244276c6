"""Writes to interactions and follow-up actions (SPEC §2 engagement).

engagement owns the interaction; apps above it add to it without engagement importing them.
Recording a 1-2-1 together with its insights is `insights.services.interaction_log`, which
calls `interaction_create` and `actions_create` below inside its own transaction. A change
to an interaction that other records depend on (its insights' confidentiality) is carried
out by the steps those apps register with `register_update_step`, run by
`interaction_update` in its own transaction, so no caller can change the interaction alone.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from contacts.models import Organisation, Person
from core import roles
from engagement.models import (
    Action,
    ActionStatus,
    Event,
    Interaction,
    InteractionKind,
    ParticipationLevel,
)

Errors = dict[str, list[str]]

INTERACTION_FIELDS = {
    "kind",
    "occurred_on",
    "title",
    "notes",
    "officer",
    "participation_level",
    "confidential",
    "event",
}
ACTION_FIELDS = {"description", "assignee", "due_on", "organisation"}

# An update step is called as step(interaction=..., changed=...) with the names of the fields
# whose values the update changed, after the interaction is saved, in the same transaction.
UpdateStep = Callable[..., None]
_update_steps: dict[str, UpdateStep] = {}


def register_update_step(name: str, step: UpdateStep) -> None:
    """Run `step` inside every `interaction_update` (apps call this from AppConfig.ready)."""
    _update_steps[name] = step


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def default_title(*, kind: str, organisations: list[Organisation]) -> str:
    label = "1-2-1" if kind == InteractionKind.MEETING else InteractionKind(kind).label
    names = ", ".join(organisation.name for organisation in organisations[:2])
    if len(organisations) > 2:
        names += f" and {len(organisations) - 2} more"
    return f"{label} with {names}"[:200] if names else label


def interaction_errors(
    *,
    kind: str,
    occurred_on: datetime.date | None,
    title: str,
    organisations: list[Organisation],
    participation_level: str,
    officer: Any = None,
) -> Errors:
    """Every reason the interaction cannot be saved, keyed by field (empty when it can)."""
    errors: Errors = {}
    if kind not in InteractionKind.values:
        _add(errors, "kind", "Select the kind of interaction")
    if occurred_on is None:
        _add(errors, "occurred_on", "Enter the date of the interaction")
    elif occurred_on > timezone.localdate():
        _add(errors, "occurred_on", "The date of the interaction must be today or in the past")
    if not organisations:
        _add(errors, "organisations", "Choose at least one organisation")
    if participation_level not in ParticipationLevel.values:
        _add(errors, "participation_level", "Select a participation level")
    if len(title) > 200:
        _add(errors, "title", "Title must be 200 characters or fewer")
    if officer is not None and not roles.has_role(officer, roles.OFFICER):
        _add(errors, "officer", "The officer must be a business engagement officer")
    return errors


def action_errors(
    *,
    description: str,
    assignee: Any,
    organisation: Organisation | None,
    organisation_required: bool = True,
    prefix: str = "",
) -> Errors:
    errors: Errors = {}
    if not description.strip():
        _add(errors, f"{prefix}description", "Enter what will be done")
    if assignee is not None and not roles.has_role(assignee, roles.OFFICER):
        _add(errors, f"{prefix}assignee", "Assign the action to a business engagement officer")
    if organisation is None and organisation_required:
        _add(errors, f"{prefix}organisation", "Choose the organisation the action is for")
    return errors


@transaction.atomic
def interaction_create(
    *,
    officer: Any,
    organisations: Iterable[Organisation],
    occurred_on: datetime.date,
    kind: str = InteractionKind.MEETING,
    title: str = "",
    notes: str = "",
    people: Iterable[Person] = (),
    participation_level: str = ParticipationLevel.CONSULT,
    confidential: bool = False,
    event: Event | None = None,
) -> Interaction:
    """Record one interaction. `title` defaults to e.g. "1-2-1 with Widget Co"."""
    organisations = list(organisations)
    title = (title or "").strip()
    errors = interaction_errors(
        kind=kind,
        occurred_on=occurred_on,
        title=title,
        organisations=organisations,
        participation_level=participation_level,
    )
    if errors:
        raise ValidationError(errors)
    interaction = Interaction.objects.create(
        kind=kind,
        occurred_on=occurred_on,
        title=title or default_title(kind=kind, organisations=organisations),
        notes=notes or "",
        officer=officer,
        participation_level=participation_level,
        confidential=confidential,
        event=event,
    )
    interaction.organisations.set(organisations)
    interaction.people.set(list(people))
    return interaction


@transaction.atomic
def interaction_update(
    *,
    interaction: Interaction,
    data: dict[str, Any],
    organisations: Iterable[Organisation] | None = None,
    people: Iterable[Person] | None = None,
) -> Interaction:
    """Change an interaction's fields, then run the registered update steps (marking it
    confidential makes its insights confidential too) in the same transaction."""
    unknown = set(data) - INTERACTION_FIELDS
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    before = {name: getattr(interaction, name) for name in data}
    for name, value in data.items():
        setattr(interaction, name, value)
    interaction.title = (interaction.title or "").strip()
    chosen = (
        list(organisations) if organisations is not None else list(interaction.organisations.all())
    )
    errors = interaction_errors(
        kind=interaction.kind,
        occurred_on=interaction.occurred_on,
        title=interaction.title,
        organisations=chosen,
        participation_level=interaction.participation_level,
        officer=interaction.officer if "officer" in data else None,
    )
    if errors:
        raise ValidationError(errors)
    if not interaction.title:
        interaction.title = default_title(kind=interaction.kind, organisations=chosen)
    interaction.save()
    if organisations is not None:
        interaction.organisations.set(chosen)
    if people is not None:
        interaction.people.set(list(people))
    changed = frozenset(name for name in data if getattr(interaction, name) != before[name])
    for step in _update_steps.values():
        step(interaction=interaction, changed=changed)
    return interaction


@transaction.atomic
def action_create(
    *,
    organisation: Organisation | None,
    description: str,
    created_by: Any,
    assignee: Any = None,
    due_on: datetime.date | None = None,
    interaction: Interaction | None = None,
) -> Action:
    """A follow-up for an organisation; assigned to its author unless someone else is named."""
    assignee = assignee if assignee is not None else created_by
    errors = action_errors(description=description, assignee=assignee, organisation=organisation)
    if errors:
        raise ValidationError(errors)
    assert organisation is not None  # checked by action_errors
    return Action.objects.create(
        organisation=organisation,
        interaction=interaction,
        description=description.strip(),
        assignee=assignee,
        due_on=due_on,
        created_by=created_by,
    )


@transaction.atomic
def actions_create(
    *, interaction: Interaction, created_by: Any, actions: Sequence[dict[str, Any]]
) -> list[Action]:
    """The follow-up actions of a 1-2-1 in one insert. Each row holds `organisation`,
    `description`, `assignee` (the author when None) and `due_on`; errors are keyed
    `actions-<n>-<field>` like the log form's own fields."""
    errors: Errors = {}
    rows = []
    for index, row in enumerate(actions):
        assignee = row.get("assignee") or created_by
        for field, messages in action_errors(
            description=row.get("description") or "",
            assignee=assignee,
            organisation=row.get("organisation"),
            prefix=f"actions-{index}-",
        ).items():
            errors.setdefault(field, []).extend(messages)
        rows.append((row, assignee))
    if errors:
        raise ValidationError(errors)
    return Action.objects.bulk_create(
        [
            Action(
                organisation=row["organisation"],
                interaction=interaction,
                description=(row.get("description") or "").strip(),
                assignee=assignee,
                due_on=row.get("due_on"),
                created_by=created_by,
            )
            for row, assignee in rows
        ]
    )


@transaction.atomic
def action_update(*, action: Action, data: dict[str, Any]) -> Action:
    unknown = set(data) - ACTION_FIELDS - {"status"}
    if unknown:
        raise ValidationError({name: ["Unknown field"] for name in sorted(unknown)})
    status = data.pop("status", None)
    for name, value in data.items():
        setattr(action, name, value)
    errors = action_errors(
        description=action.description,
        assignee=action.assignee,
        organisation=action.organisation,
    )
    if errors:
        raise ValidationError(errors)
    action.description = action.description.strip()
    if status is not None:
        _set_status(action, status)
    action.save()
    return action


def _set_status(action: Action, status: str) -> None:
    if status not in ActionStatus.values:
        raise ValidationError({"status": ["Status must be open or done"]})
    if status == ActionStatus.DONE and action.status != ActionStatus.DONE:
        action.completed_at = timezone.now()
    elif status == ActionStatus.OPEN:
        action.completed_at = None
    action.status = status


@transaction.atomic
def action_complete(*, action: Action) -> Action:
    _set_status(action, ActionStatus.DONE)
    action.save(update_fields=["status", "completed_at", "updated"])
    return action


@transaction.atomic
def action_reopen(*, action: Action) -> Action:
    _set_status(action, ActionStatus.OPEN)
    action.save(update_fields=["status", "completed_at", "updated"])
    return action

"""Writes of organisations: create, update, and the bulk write of an import, each under the
rule that only admins change the account fields (SPEC §1)."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from contacts.models import Organisation, Tag
from contacts.services import checks
from core import roles
from core.types import AnyUser

ORGANISATION_FIELDS = {
    "name",
    "company_number",
    "kind",
    "sic_codes",
    "employees",
    "ownership",
    "address",
    "town",
    "postcode",
    "ward",
    "local_authority",
    "rural_urban",
    "key_account",
    "account_manager",
    "status",
}

# SPEC §1: the account manager sees the organisation's confidential records, so choosing one
# (or making an organisation a key account, which goes with one) is for admins only: an
# officer who could set it could widen their own view.
ACCOUNT_FIELDS = ("account_manager", "key_account")
ACCOUNT_FIELDS_ADMIN_ONLY = (
    "Only an administrator can change an organisation's account manager or key account"
)


def is_unrestricted(user: AnyUser | None) -> bool:
    """Admins, and PlaceVoice itself (`user=None`: a job or command acting for nobody), are
    not held to the officer's limits."""
    return user is None or roles.is_admin(user)


def account_fields_changed(*, organisation: Organisation | None, data: dict[str, Any]) -> list[str]:
    """The account fields (`account_manager`, `key_account`) that `data` would change on
    `organisation` (None: a new one, whose values start as the model's defaults). Sending the
    current value is no change, so an edit of other fields that echoes them back passes."""
    changed = []
    if "account_manager" in data:
        value = data["account_manager"]
        wanted = value.pk if isinstance(value, Model) else value
        current = organisation.account_manager_id if organisation is not None else None
        if wanted != current:
            changed.append("account_manager")
    if "key_account" in data:
        current_key = organisation.key_account if organisation is not None else False
        if bool(data["key_account"]) != current_key:
            changed.append("key_account")
    return changed


def account_fields_check(
    *, user: AnyUser | None, organisation: Organisation | None, data: dict[str, Any]
) -> None:
    """Refuse (PermissionDenied: a 403) a change to the account fields by anyone but an admin.
    Every path that writes an organisation asks this: the service, the admin, imports."""
    if not is_unrestricted(user) and account_fields_changed(organisation=organisation, data=data):
        raise PermissionDenied(ACCOUNT_FIELDS_ADMIN_ONLY)


def _set_tags(organisation: Organisation, tags: list[str]) -> None:
    names = sorted({name.strip() for name in tags if name and name.strip()})
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
    organisation.tags.set(Tag.objects.filter(name__in=names))


@transaction.atomic
def organisation_create(
    *, data: dict[str, Any], tags: list[str] | None = None, user: AnyUser | None
) -> Organisation:
    """Add an organisation for `user` (None: PlaceVoice itself). Setting its account fields
    is for admins (`account_fields_check`)."""
    account_fields_check(user=user, organisation=None, data=data)
    organisation = Organisation()
    checks.apply_fields(organisation, ORGANISATION_FIELDS, data)
    checks.full_clean(organisation)
    organisation.save()
    if tags is not None:
        _set_tags(organisation, tags)
    return organisation


@transaction.atomic
def organisation_update(
    *,
    organisation: Organisation,
    data: dict[str, Any],
    tags: list[str] | None = None,
    user: AnyUser | None,
) -> Organisation:
    """Edit an organisation for `user` (None: PlaceVoice itself). Changing its account
    fields is for admins (`account_fields_check`); the stored row is compared, not the
    instance the caller holds, which may have been changed in memory."""
    stored = Organisation.objects.filter(pk=organisation.pk).first()
    account_fields_check(user=user, organisation=stored, data=data)
    checks.apply_fields(organisation, ORGANISATION_FIELDS, data)
    checks.full_clean(organisation)
    organisation.save()
    if tags is not None:
        _set_tags(organisation, tags)
    return organisation


@transaction.atomic
def organisation_bulk_write(
    *,
    creates: Sequence[Organisation],
    updates: Sequence[Organisation],
    fields: Sequence[str],
    tags: Sequence[tuple[Organisation, list[str]]] = (),
    user: AnyUser | None,
    batch_size: int,
    report: Callable[[int], None] = lambda written: None,
) -> None:
    """Write many organisations at once (an import), already checked row by row with the same
    validators as organisation_create/update. Refused whole (PermissionDenied) if anyone but
    an admin would change an account field, compared with the stored rows. `tags` adds tags,
    never removes them; `report(n)` is called as each batch of `n` records is written."""
    if not is_unrestricted(user):
        _bulk_account_fields_check(creates=creates, updates=updates)
    for organisation in [*creates, *updates]:
        organisation.refresh_derived()
    for start in range(0, len(creates), batch_size):
        batch = creates[start : start + batch_size]
        Organisation.objects.bulk_create(batch)
        report(len(batch))
    now = timezone.now()
    for start in range(0, len(updates), batch_size):
        batch = updates[start : start + batch_size]
        for organisation in batch:
            organisation.updated = now
        Organisation.objects.bulk_update(batch, [*fields, "updated"])
        report(len(batch))
    if tags:
        _add_tags(tags, batch_size=batch_size)


def _bulk_account_fields_check(
    *, creates: Sequence[Organisation], updates: Sequence[Organisation]
) -> None:
    # One query for the stored account fields of every organisation the write changes.
    stored = {
        pk: (manager_id, key_account)
        for pk, manager_id, key_account in Organisation.objects.filter(
            pk__in=[organisation.pk for organisation in updates]
        ).values_list("pk", "account_manager_id", "key_account")
    }
    for organisation in creates:
        if organisation.account_manager_id is not None or organisation.key_account:
            raise PermissionDenied(ACCOUNT_FIELDS_ADMIN_ONLY)
    for organisation in updates:
        if stored.get(organisation.pk, (None, False)) != (
            organisation.account_manager_id,
            organisation.key_account,
        ):
            raise PermissionDenied(ACCOUNT_FIELDS_ADMIN_ONLY)


def _add_tags(tags: Sequence[tuple[Organisation, list[str]]], *, batch_size: int) -> None:
    names = sorted({name for _, names in tags for name in names})
    Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
    tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
    through = Organisation.tags.through
    links = [
        through(organisation_id=organisation.pk, tag_id=tag_ids[name])
        for organisation, names in tags
        for name in names
    ]
    through.objects.bulk_create(links, batch_size=batch_size, ignore_conflicts=True)

"""Reads of organisations and people, with their relations loaded so no caller causes an N+1."""

from django.core.cache import cache
from django.db.models import Count, Model, Prefetch, QuerySet

from contacts.models import ImportJob, Organisation, Person, Tag
from core.types import AnyUser

LOCAL_AUTHORITIES_CACHE_KEY = "contacts:local-authorities"
# The UK has fewer than 400 local authorities; the cap only bounds a choice list that bad
# data could otherwise fill.
LOCAL_AUTHORITIES_MAX = 500


def local_authorities() -> list[str]:
    """The local authorities organisations are in, for the filter panel and the evidence
    summary form. A DISTINCT over every organisation costs tens of milliseconds at 100,000
    rows, so it is cached for a few minutes."""
    names: list[str] | None = cache.get(LOCAL_AUTHORITIES_CACHE_KEY)
    if names is None:
        names = list(
            Organisation.objects.exclude(local_authority="")
            .order_by("local_authority")
            .values_list("local_authority", flat=True)
            .distinct()[:LOCAL_AUTHORITIES_MAX]
        )
        cache.set(LOCAL_AUTHORITIES_CACHE_KEY, names, 300)
    return names


def organisation_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("account_manager").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.only("id", "name"))
    )


def organisation_detail() -> QuerySet[Organisation]:
    return organisation_list().annotate(people_count=Count("people", distinct=True))


def person_list() -> QuerySet[Person]:
    return Person.objects.select_related("organisation")


def organisation_duplicates(*, limit: int = 200) -> list[tuple[str, list[Organisation]]]:
    """Likely duplicates (SPEC §2): organisations sharing a company number, or the same
    normalised name and postcode. Grouped in the database; one query per kind of match."""
    groups: list[tuple[str, list[Organisation]]] = []
    by_number = (
        Organisation.objects.exclude(company_number="")
        .values("company_number")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("company_number", flat=True)[:limit]
    )
    numbers = list(by_number)
    if numbers:
        members: dict[str, list[Organisation]] = {}
        for org in organisation_list().filter(company_number__in=numbers):
            members.setdefault(org.company_number, []).append(org)
        groups += [(f"Company number {number}", orgs) for number, orgs in members.items()]
    by_name = list(
        Organisation.objects.exclude(name_normalised="")
        .values("name_normalised", "postcode")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("name_normalised", "postcode")[:limit]
    )
    if by_name:
        keys = {(row["name_normalised"], row["postcode"]) for row in by_name}
        named: dict[tuple[str, str], list[Organisation]] = {}
        candidates = organisation_list().filter(name_normalised__in={name for name, _ in keys})
        for org in candidates:
            key = (org.name_normalised, org.postcode)
            if key in keys:
                named.setdefault(key, []).append(org)
        groups += [
            (f"Same name and postcode ({postcode or 'no postcode'})", orgs)
            for (_, postcode), orgs in sorted(named.items())
        ]
    return groups


def person_duplicates(*, limit: int = 200) -> list[tuple[str, list[Person]]]:
    """People with the same name at the same organisation (emails are unique already).
    Two queries whatever the number of groups: the duplicated keys, then their people. Erased
    records (all called "Erased person") are not duplicates of anyone."""
    rows = list(
        Person.objects.filter(erased_at__isnull=True)
        .values("first_name", "last_name", "organisation_id")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .order_by("last_name", "first_name", "organisation_id")[:limit]
    )
    if not rows:
        return []
    keys = [(row["first_name"], row["last_name"], row["organisation_id"]) for row in rows]
    members: dict[tuple[str, str, int | None], list[Person]] = {key: [] for key in keys}
    candidates = person_list().filter(
        erased_at__isnull=True,
        first_name__in={key[0] for key in keys},
        last_name__in={key[1] for key in keys},
    )
    for person in candidates.order_by("id"):
        key = (person.first_name, person.last_name, person.organisation_id)
        if key in members:
            members[key].append(person)
    return [(f"{first} {last}", members[(first, last, org)]) for first, last, org in keys]


def import_jobs_for(*, user: AnyUser | None) -> QuerySet[ImportJob]:
    return ImportJob.objects.defer("content").select_related("created_by")


def linked_records(instance: Model) -> list[tuple[str, int]]:
    """What a merge would move: for each kind of record linked to `instance` (from any app),
    how many. One COUNT per relation, whatever the numbers.

    Walks the same reverse relations as the merge service; many-to-many links are counted
    through their link table's foreign key, so each is counted once.
    """
    moves = []
    for relation in instance._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete or relation.many_to_many:
            continue
        related = relation.related_model
        if related is None or not (relation.one_to_many or relation.one_to_one):
            continue
        field_name = relation.field.name  # type: ignore[union-attr]
        count = related._default_manager.filter(**{field_name: instance.pk}).count()  # type: ignore[union-attr]
        if not count:
            continue
        label = related._meta.verbose_name_plural  # type: ignore[union-attr]
        if related._meta.auto_created:  # type: ignore[union-attr]
            # A many-to-many link table: name it by what is at its other end.
            others = [
                field.related_model
                for field in related._meta.get_fields()  # type: ignore[union-attr]
                if field.many_to_one and field.name != field_name
            ]
            if others and others[0] is not None:
                label = others[0]._meta.verbose_name_plural  # type: ignore[union-attr]
        moves.append((str(label).capitalize(), count))
    return sorted(moves)

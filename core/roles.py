"""The four staff roles of SPEC §1, held as Django groups.

A superuser counts as `admin`. Role checks go through `has_role` so pages, the API and the
admin agree on who may do what.
"""

from typing import TypeGuard

from core.types import AnyUser, User

OFFICER = "officer"
ORGANISER = "organiser"
GROWTH_GROUP = "growth_group"
ADMIN = "admin"
ROLES = (OFFICER, ORGANISER, GROWTH_GROUP, ADMIN)
ROLE_LABELS = {
    OFFICER: "Business engagement officer",
    ORGANISER: "Event organiser",
    GROWTH_GROUP: "Growth group member",
    ADMIN: "Administrator",
}
# The attribute that caches a user's roles on the user instance, which lives as long as the
# request.
_ROLES_CACHE = "_placevoice_roles"


def roles_of(user: AnyUser | None) -> frozenset[str]:
    """The user's roles, read once per request object and cached on it."""
    if user is None or not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, _ROLES_CACHE, None)
    if cached is None:
        names = set(user.groups.filter(name__in=ROLES).values_list("name", flat=True))
        if user.is_superuser:
            names.add(ADMIN)
        cached = frozenset(names)
        setattr(user, _ROLES_CACHE, cached)
    return cached


def has_role(user: AnyUser | None, *roles: str) -> TypeGuard[User]:
    """True when the user holds any of `roles`; admins hold every role. Only a signed-in
    user holds a role, so after this check `user` is a `User`."""
    held = roles_of(user)
    return ADMIN in held or bool(held.intersection(roles))


def is_admin(user: AnyUser | None) -> TypeGuard[User]:
    return ADMIN in roles_of(user)

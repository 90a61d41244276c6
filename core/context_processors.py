from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core import roles as role_rules
from core.permissions import API_USER_ROLES


def roles(request: HttpRequest) -> dict[str, Any]:
    """Expose the signed-in user's roles to templates (navigation, buttons)."""
    held = role_rules.roles_of(getattr(request, "user", None))
    admin = role_rules.ADMIN in held
    return {
        "user_roles": held,
        "is_officer": admin or role_rules.OFFICER in held,
        "is_organiser": admin or role_rules.ORGANISER in held,
        "is_growth_group": admin or role_rules.GROWTH_GROUP in held,
        "is_admin_role": admin,
        "uses_api": role_rules.has_role(getattr(request, "user", None), *API_USER_ROLES),
        "operator_name": settings.OPERATOR_NAME,
    }

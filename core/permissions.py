"""Role-based access for the API (DRF permissions) and for pages (a view mixin)."""

from typing import Any

from django.contrib.auth.mixins import AccessMixin
from django.http import HttpRequest, HttpResponseBase
from django.views import View
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from core import roles

API_USER_ROLES = (roles.OFFICER, roles.ORGANISER)


class RoleAccess(BasePermission):
    """Allow a view's `read_roles` to read and its `write_roles` to write.

    Deleting is for admins only (SPEC §1 gives the other roles create/read/update).
    """

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if request.method in SAFE_METHODS:
            return roles.has_role(user, *getattr(view, "read_roles", ()))
        if request.method == "DELETE":
            return roles.is_admin(user)
        return roles.has_role(user, *getattr(view, "write_roles", ()))


class IsAPIUser(BasePermission):
    """The API schema and docs: for the roles that use the API. The growth group reads
    reports in the browser and holds no API of its own (SPEC §1), so the docs are not theirs."""

    def has_permission(self, request: Request, view: Any) -> bool:
        return roles.has_role(request.user, *API_USER_ROLES)


class RoleRequiredMixin(AccessMixin, View):
    """For pages: anonymous users go to the login page; users without the role get 403.

    A View itself, so `super().dispatch` is typed; in a page class it comes before the
    page's own View (`class Page(RoleRequiredMixin, TemplateView)`)."""

    read_roles: tuple[str, ...] = ()
    write_roles: tuple[str, ...] = ()

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        wanted = self.read_roles if request.method in SAFE_METHODS else self.write_roles
        if not roles.has_role(request.user, *wanted):
            self.raise_exception = True
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)

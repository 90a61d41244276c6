"""Types shared by every app.

The project uses Django's default user model; `request.user` is one of those or, before
sign-in, an `AnonymousUser`. Both carry `pk`, `is_superuser`, `groups` and
`is_authenticated`, which is all the role and visibility checks read.
"""

from django.contrib.auth.models import AnonymousUser, User

AnyUser = User | AnonymousUser

__all__ = ["AnyUser", "User"]

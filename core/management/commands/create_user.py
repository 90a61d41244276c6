"""`manage.py create_user USERNAME --role ROLE --password PASSWORD [--email E]` (SPEC §3)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from core import roles


class Command(BaseCommand):
    help = "Create or update a user in one PlaceVoice role (non-interactive)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=roles.ROLES)
        parser.add_argument("--password", required=True)
        parser.add_argument("--email", default=None)
        parser.add_argument("--first-name", default=None)
        parser.add_argument("--last-name", default=None)

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"].strip()
        if not username:
            raise CommandError("USERNAME must not be empty")
        if not options["password"]:
            raise CommandError("--password must not be empty")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        user.set_password(options["password"])
        if options["email"] is not None:
            user.email = options["email"]
        if options["first_name"] is not None:
            user.first_name = options["first_name"]
        if options["last_name"] is not None:
            user.last_name = options["last_name"]
        # Only administrators reach the Django admin (back office).
        user.is_staff = options["role"] == roles.ADMIN
        user.is_superuser = options["role"] == roles.ADMIN
        user.is_active = True
        user.save()
        group, _ = Group.objects.get_or_create(name=options["role"])
        user.groups.remove(*Group.objects.filter(name__in=roles.ROLES).exclude(pk=group.pk))
        user.groups.add(group)
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {username} as {options['role']}"))

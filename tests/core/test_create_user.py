"""`manage.py create_user`, the operations command of SPEC §3 that adds staff in a role."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["officer", "organiser", "growth_group", "admin"])
def test_create_user_creates_a_user_in_the_role(role):
    call_command("create_user", "newbie", role=role, password="s3cret-pass", email="n@x.example")
    user = get_user_model().objects.get(username="newbie")
    assert user.check_password("s3cret-pass")
    assert list(user.groups.values_list("name", flat=True)) == [role]
    assert user.email == "n@x.example"
    assert user.is_superuser == (role == "admin")


def test_create_user_updates_an_existing_user_and_moves_their_role():
    call_command("create_user", "mover", role="officer", password="first-pass")
    call_command("create_user", "mover", role="organiser", password="second-pass")
    user = get_user_model().objects.get(username="mover")
    assert user.check_password("second-pass")
    assert list(user.groups.values_list("name", flat=True)) == ["organiser"]


def test_create_user_refuses_an_unknown_role():
    with pytest.raises(CommandError):
        call_command("create_user", "x", role="wizard", password="p")

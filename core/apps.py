from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app stands on: roles, permissions, sign-in, health and error pages, GOV.UK
    form helpers, API conventions and background-job status. It imports no other app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

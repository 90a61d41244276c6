from django.apps import AppConfig


class CoreConfig(AppConfig):
    """What every app stands on: roles, permissions, sign-in, health and error pages, GOV.UK
    form helpers, API conventions, background-job status and CSV writing. It imports no other
    app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "core"

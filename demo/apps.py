from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Tools, not product: the demo area, volume data and load drivers. It may import every
    app; no app imports it."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"

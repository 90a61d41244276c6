from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"

    def ready(self) -> None:
        from contacts import timeline as contacts_timeline
        from insights import timeline as insights_timeline

        contacts_timeline.register("insights", insights_timeline.insights_provider)

        from contacts import services as contacts_services
        from insights import selectors as insight_selectors

        contacts_services.register_confidential_check(
            "insights", insight_selectors.hides_confidential_insights
        )

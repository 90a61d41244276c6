from django.apps import AppConfig


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement"

    def ready(self) -> None:
        from contacts import timeline as contacts_timeline
        from engagement import timeline as engagement_timeline

        contacts_timeline.register("registrations", engagement_timeline.registrations_provider)
        contacts_timeline.register("interactions", engagement_timeline.interactions_provider)
        contacts_timeline.register("actions", engagement_timeline.actions_provider)

        from contacts import privacy as contacts_privacy
        from engagement import privacy as engagement_privacy

        contacts_privacy.register(
            "engagement",
            exporter=engagement_privacy.export_person,
            eraser=engagement_privacy.erase_person,
            activity=engagement_privacy.recent_activity,
        )

        from contacts import services as contacts_services
        from engagement import selectors as engagement_selectors
        from engagement.services import events as event_services

        contacts_services.register_confidential_check(
            "interactions", engagement_selectors.hides_confidential_interactions
        )

        contacts_services.register_person_merge_step(
            "registrations",
            lambda survivor, duplicate: event_services.registration_merge(
                survivor=survivor, duplicate=duplicate
            ),
        )

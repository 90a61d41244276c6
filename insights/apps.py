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

        # insights adds to engagement's interaction, explicitly: the confidentiality of its
        # insights follows the interaction's in interaction_update's transaction, the
        # interaction page shows them, and its admin page lists them.
        from engagement.admin import register_interaction_inline
        from engagement.services import interactions as interaction_services
        from engagement.views import interactions as interaction_views
        from insights import admin as insights_admin
        from insights import services as insight_services

        interaction_services.register_update_step(
            "insights-confidentiality", insight_services.interaction_update_step
        )
        interaction_views.register_detail_section(
            "insights",
            interaction_views.DetailSection(
                template="insights/_interaction_insights.html",
                prefetch=lambda user: [insight_selectors.interaction_insights_prefetch(user=user)],
            ),
        )
        register_interaction_inline(insights_admin.InsightInline)

from django.urls import path
from rest_framework.routers import SimpleRouter

from insights.api.views import insights as insight_api
from insights.api.views import summaries as summary_api

router = SimpleRouter(trailing_slash=True)
router.register("interactions", insight_api.InteractionViewSet, basename="interaction")
router.register("insights", insight_api.InsightViewSet, basename="insight")
router.register("themes", insight_api.ThemeViewSet, basename="theme")

urlpatterns = router.urls

# Evidence summaries (SPEC §3); the exports are at exact paths without a trailing slash.
summary_router = SimpleRouter(trailing_slash=True)
summary_router.register("summaries", summary_api.EvidenceSummaryViewSet, basename="summary")
urlpatterns += summary_router.urls + [
    path(
        "summaries/<int:pk>/export.csv",
        summary_api.EvidenceSummaryViewSet.as_view({"get": "export_csv"}),
        name="summary-export-csv",
    ),
    path(
        "summaries/<int:pk>/export.pdf",
        summary_api.EvidenceSummaryViewSet.as_view({"get": "export_pdf"}),
        name="summary-export-pdf",
    ),
]

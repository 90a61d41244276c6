from django.urls import path
from rest_framework.routers import SimpleRouter

from evidence.api import views

# Evidence summaries (SPEC §3); the exports are at exact paths without a trailing slash.
summary_router = SimpleRouter(trailing_slash=True)
summary_router.register("summaries", views.EvidenceSummaryViewSet, basename="summary")
urlpatterns = summary_router.urls + [
    path(
        "summaries/<int:pk>/export.csv",
        views.EvidenceSummaryViewSet.as_view({"get": "export_csv"}),
        name="summary-export-csv",
    ),
    path(
        "summaries/<int:pk>/export.pdf",
        views.EvidenceSummaryViewSet.as_view({"get": "export_pdf"}),
        name="summary-export-pdf",
    ),
]

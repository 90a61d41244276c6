"""Evidence reports: the growth group's published reports; officers request and publish."""

from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("reports/", views.SummaryListView.as_view(), name="summary-list"),
    path("reports/new/", views.SummaryRequestView.as_view(), name="summary-request"),
    path("reports/<int:pk>/", views.SummaryDetailView.as_view(), name="summary-detail"),
    path(
        "reports/<int:pk>/progress/",
        views.SummaryProgressView.as_view(),
        name="summary-progress",
    ),
    path(
        "reports/<int:pk>/publish/",
        views.SummaryPublishView.as_view(),
        name="summary-publish",
    ),
    path(
        "reports/<int:pk>/unpublish/",
        views.SummaryPublishView.as_view(publish=False),
        name="summary-unpublish",
    ),
    path(
        "reports/<int:pk>/export.csv",
        views.SummaryExportView.as_view(kind="csv"),
        name="summary-export-csv",
    ),
    path(
        "reports/<int:pk>/export.pdf",
        views.SummaryExportView.as_view(kind="pdf"),
        name="summary-export-pdf",
    ),
]

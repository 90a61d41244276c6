from django.urls import path

from insights.views import insights as insight_views
from insights.views import summaries as summary_views

app_name = "insights"

urlpatterns: list = [
    path("log/", insight_views.LogInteractionView.as_view(), name="log"),
    path(
        "interactions/<int:pk>/",
        insight_views.InteractionDetailView.as_view(),
        name="interaction-detail",
    ),
    path(
        "interactions/<int:pk>/edit/",
        insight_views.InteractionEditView.as_view(),
        name="interaction-edit",
    ),
    path("insights/", insight_views.InsightListView.as_view(), name="insight-list"),
    path(
        "insights/theme-counts/",
        insight_views.InsightThemeCountsView.as_view(),
        name="insight-theme-counts",
    ),
    path("insights/<int:pk>/", insight_views.InsightDetailView.as_view(), name="insight-detail"),
    path("insights/<int:pk>/edit/", insight_views.InsightEditView.as_view(), name="insight-edit"),
]

# Evidence reports (issue 4): the growth group's published reports; officers request and publish.
urlpatterns += [
    path("reports/", summary_views.SummaryListView.as_view(), name="summary-list"),
    path("reports/new/", summary_views.SummaryRequestView.as_view(), name="summary-request"),
    path("reports/<int:pk>/", summary_views.SummaryDetailView.as_view(), name="summary-detail"),
    path(
        "reports/<int:pk>/progress/",
        summary_views.SummaryProgressView.as_view(),
        name="summary-progress",
    ),
    path(
        "reports/<int:pk>/publish/",
        summary_views.SummaryPublishView.as_view(),
        name="summary-publish",
    ),
    path(
        "reports/<int:pk>/unpublish/",
        summary_views.SummaryPublishView.as_view(publish=False),
        name="summary-unpublish",
    ),
    path(
        "reports/<int:pk>/export.csv",
        summary_views.SummaryExportView.as_view(kind="csv"),
        name="summary-export-csv",
    ),
    path(
        "reports/<int:pk>/export.pdf",
        summary_views.SummaryExportView.as_view(kind="pdf"),
        name="summary-export-pdf",
    ),
]

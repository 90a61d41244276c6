from django.urls import path

from insights.views import insights as insight_views

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

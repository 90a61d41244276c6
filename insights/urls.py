from django.urls import URLPattern, URLResolver, path

from insights import views

app_name = "insights"

urlpatterns: list[URLPattern | URLResolver] = [
    path("log/", views.LogInteractionView.as_view(), name="interaction-log"),
    path("insights/", views.InsightListView.as_view(), name="insight-list"),
    path(
        "insights/theme-counts/",
        views.InsightThemeCountsView.as_view(),
        name="insight-theme-counts",
    ),
    path("insights/<int:pk>/", views.InsightDetailView.as_view(), name="insight-detail"),
    path("insights/<int:pk>/edit/", views.InsightEditView.as_view(), name="insight-edit"),
]

import os

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

api_v1 = [
    path("", include("contacts.api.urls")),
    path("", include("engagement.api.urls")),
    path("", include("insights.api.urls")),
    path("", include("evidence.api.urls")),
]

urlpatterns = [
    path("", include("insights.urls")),
    path("", include("evidence.urls")),
    path("", include("engagement.urls")),
    path("", include("contacts.urls")),
    path("", include("core.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if os.environ.get("BENCH_FLOOR") == "1":
    # `make bench` only: a trivial view, the floor pages are measured against.
    urlpatterns.append(path("", include("bench.floor")))

handler404 = "core.views.page_not_found"
handler500 = "core.views.server_error"
handler403 = "core.views.permission_denied"

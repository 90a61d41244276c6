import os

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from contacts import views as contacts_views
from core import views as core_views

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
    path("healthz", contacts_views.healthz, name="healthz"),
    path("privacy/", core_views.privacy_notice, name="privacy-notice"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

if os.environ.get("BENCH_FLOOR") == "1":
    # `make bench` only: a trivial view, the floor pages are measured against.
    urlpatterns.append(path("", include("bench.floor")))

handler404 = "contacts.views.page_not_found"
handler500 = "contacts.views.server_error"
handler403 = "contacts.views.permission_denied"

"""The floor of the stack: a trivial Django view, mounted only when BENCH_FLOOR=1 (see
config/urls.py), so the benchmark can state each page's latency as a multiple of it."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET


@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    # Through the whole middleware stack, no database, no template.
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor", floor, name="bench-floor")]

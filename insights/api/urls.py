from rest_framework.routers import SimpleRouter

from insights.api import views

router = SimpleRouter(trailing_slash=True)
# engagement owns the interaction and its viewset (read, change, delete); insights registers
# the subclass that also records a whole 1-2-1, at the same route, so the API keeps one
# `interactions/` endpoint. Named "api-…" (as engagement's events are) so its names never
# shadow the interaction pages' `interaction-detail`.
router.register("interactions", views.InteractionViewSet, basename="api-interaction")
router.register("insights", views.InsightViewSet, basename="insight")
router.register("themes", views.ThemeViewSet, basename="theme")

urlpatterns = router.urls

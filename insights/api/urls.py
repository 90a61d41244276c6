from rest_framework.routers import SimpleRouter

from insights.api.views import insights as insight_api

router = SimpleRouter(trailing_slash=True)
router.register("interactions", insight_api.InteractionViewSet, basename="interaction")
router.register("insights", insight_api.InsightViewSet, basename="insight")
router.register("themes", insight_api.ThemeViewSet, basename="theme")

urlpatterns = router.urls

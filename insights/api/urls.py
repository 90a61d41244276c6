from rest_framework.routers import SimpleRouter

from insights.api import views as views

router = SimpleRouter(trailing_slash=True)
router.register("interactions", views.InteractionViewSet, basename="interaction")
router.register("insights", views.InsightViewSet, basename="insight")
router.register("themes", views.ThemeViewSet, basename="theme")

urlpatterns = router.urls

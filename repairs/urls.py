"""URL patterns of the repairs app."""

app_name = "repairs"
urlpatterns = []

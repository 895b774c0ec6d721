"""URL patterns of the followups app."""

app_name = "followups"
urlpatterns = []

"""Front desk (``urls_desk``) and hotline (``urls_hotline``) pages: the ``intake`` namespace."""

from intake.urls_desk import urlpatterns as desk_patterns
from intake.urls_hotline import urlpatterns as hotline_patterns

app_name = "intake"
urlpatterns = [*desk_patterns, *hotline_patterns]

"""The home page, at the root and without a namespace (``{% url 'home' %}``)."""

from django.urls import path

from reporting import views

urlpatterns = [path("", views.home, name="home")]

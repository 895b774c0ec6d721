from django.urls import path

from repairs import views

app_name = "repairs"
urlpatterns = [
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/warranty/", views.ticket_override, name="ticket_override"),
]

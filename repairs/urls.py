from django.urls import path

from repairs import views

app_name = "repairs"
urlpatterns = [
    path("<int:pk>/", views.ticket_detail, name="ticket_detail"),
    path("<int:pk>/warranty/", views.ticket_override, name="ticket_override"),
    path("<int:pk>/action/", views.ticket_action, name="ticket_action"),
    path("<int:pk>/print/<slug:kind>/", views.ticket_print, name="ticket_print"),
    path("workbench/", views.technician_queue, name="technician_queue"),
    path("pickup/", views.pickup, name="pickup"),
    path("status/", views.status_lookup, name="status_lookup"),
]

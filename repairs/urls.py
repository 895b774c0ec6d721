from django.urls import path

from repairs.views import intake, ticket

app_name = "repairs"
urlpatterns = [
    path("", ticket.ticket_list, name="ticket_list"),
    path("<int:pk>/", ticket.ticket_detail, name="ticket_detail"),
    path("<int:pk>/warranty/", ticket.ticket_override, name="ticket_override"),
    path("<int:pk>/action/", ticket.ticket_action, name="ticket_action"),
    path("<int:pk>/print/<slug:kind>/", ticket.ticket_print, name="ticket_print"),
    path("new/<int:customer_pk>/", intake.ticket_open, name="ticket_open"),
    path("new/<int:customer_pk>/preview/", intake.ticket_preview, name="ticket_preview"),
    path("devices/<int:pk>/", intake.device_detail, name="device_detail"),
    path("policy/", intake.policy, name="policy"),
    path("workbench/", ticket.technician_queue, name="technician_queue"),
    path("pickup/", ticket.pickup, name="pickup"),
    path("status/", ticket.status_lookup, name="status_lookup"),
]

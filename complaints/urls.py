"""URL patterns of the complaints app."""

from django.urls import path

from complaints import views

app_name = "complaints"
urlpatterns = [
    path("", views.complaint_queue, name="queue"),
    path("new/", views.complaint_new, name="new"),
    path("new/customers/", views.complaint_customer_search, name="customer_search"),
    path("reassign/", views.complaint_bulk_reassign, name="bulk_reassign"),
    path("<int:pk>/", views.complaint_detail, name="detail"),
    path("<int:pk>/<slug:what>/", views.complaint_act, name="act"),
    path("offers/<int:pk>/decide/", views.offer_decide, name="offer_decide"),
]

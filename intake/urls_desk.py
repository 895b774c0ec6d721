"""Front-desk pages: reception board, customers and devices, opening a repair record."""

from django.urls import path

from intake.views import desk

urlpatterns = [
    path("", desk.board, name="board"),
    path("visits/<int:pk>/serve/", desk.visit_serve, name="visit_serve"),
    path("visits/<int:pk>/finish/", desk.visit_finish, name="visit_finish"),
    path("visits/<int:pk>/left/", desk.visit_left, name="visit_left"),
    path("visits/<int:pk>/slip/", desk.visit_slip, name="visit_slip"),
    path("search/", desk.search, name="search"),
    path("customers/new/", desk.customer_create, name="customer_create"),
    path("customers/<int:pk>/", desk.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/phone/", desk.customer_phone, name="customer_phone"),
    path("customers/<int:pk>/data/", desk.customer_data_export, name="customer_data_export"),
    path("customers/<int:pk>/erase/", desk.customer_erase, name="customer_erase"),
    path("customers/<int:pk>/merge/", desk.customer_merge, name="customer_merge"),
    path("slips/", desk.slip_queue, name="slip_queue"),
    path("slips/<int:pk>/callback/", desk.slip_callback, name="slip_callback"),
    path("slips/<int:pk>/phone/", desk.slip_phone, name="slip_phone"),
]

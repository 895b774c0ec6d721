"""Hotline pages: call log, hold and transfer, routing of call kinds, answering figures."""

from django.urls import path

from intake.views import hotline

urlpatterns = [
    path("hotline/", hotline.call_screen, name="call_screen"),
    path("hotline/caller/", hotline.caller_lookup, name="caller_lookup"),
    path("hotline/calls/", hotline.call_log, name="call_log"),
    path("hotline/calls/<int:pk>/", hotline.call_detail, name="call_detail"),
    path("hotline/answering/", hotline.answering, name="answering"),
    path("hotline/departments/", hotline.department_list, name="department_list"),
    path("hotline/departments/<int:pk>/", hotline.department_detail, name="department_detail"),
]

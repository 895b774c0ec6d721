from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.callback_detail, name="callback"),
    path("<int:pk>/move/", views.callback_move, name="callback_move"),
    path("<int:pk>/slip/", views.callback_slip, name="callback_slip"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/csv/", views.report_csv, name="report_csv"),
]

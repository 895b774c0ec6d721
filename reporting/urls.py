from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("staff/statistics/", views.staff_stats, name="staff_stats"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("claim/", views.claim_page, name="claim"),
    path("exports/", views.export_list, name="export_list"),
    path("exports/<int:pk>/", views.export_status, name="export_status"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("exports/<int:pk>/rerun/", views.export_rerun, name="export_rerun"),
]

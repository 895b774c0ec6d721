from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from servicedesk import views
from servicedesk.permissions import allow_read_only_roles

app_patterns = (
    [
        path("points/", views.point_list, name="point_list"),
        path("points/<int:pk>/", views.point_detail, name="point_detail"),
        path("points/<int:pk>/settings/", views.point_settings, name="point_settings"),
        path("staff/", views.staff_list, name="staff_list"),
        path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
        path("audit/", views.audit_list, name="audit_list"),
        path("dashboard/", views.dashboard, name="dashboard"),
        path("staff/statistics/", views.staff_stats, name="staff_stats"),
        path("exports/", views.export_list, name="export_list"),
        path("exports/<int:pk>/", views.export_status, name="export_status"),
        path("exports/<int:pk>/download/", views.export_download, name="export_download"),
        path("exports/<int:pk>/rerun/", views.export_rerun, name="export_rerun"),
    ],
    "servicedesk",
)

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", allow_read_only_roles(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", allow_read_only_roles(set_language), name="set_language"),
    path("", include(app_patterns)),
    path("desk/", include("intake.urls")),
    path("repairs/", include("repairs.urls")),
    path("complaints/", include("complaints.urls")),
    path("callbacks/", include("followups.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

"""The root URL configuration: the one module of the core that names every app (it wires them,
it does not use them)."""

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
        path("audit/", views.audit_list, name="audit_list"),
        path("notices/<int:pk>/read/", views.notice_read, name="notice_read"),
    ],
    "servicedesk",
)

urlpatterns = [
    path("", include("reporting.urls_home")),
    path("health/", views.health, name="health"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", allow_read_only_roles(auth_views.LogoutView.as_view()), name="logout"),
    path("i18n/setlang/", allow_read_only_roles(set_language), name="set_language"),
    path("", include(app_patterns)),
    path("", include("reporting.urls")),
    path("desk/", include("intake.urls")),
    path("repairs/", include("repairs.urls")),
    path("complaints/", include("complaints.urls")),
    path("callbacks/", include("followups.urls")),
    path("loaners/", include("loaners.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

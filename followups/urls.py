from django.urls import path

from followups import views

app_name = "followups"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.callback_detail, name="callback"),
    path("<int:pk>/move/", views.callback_move, name="callback_move"),
    path("<int:pk>/slip/", views.callback_slip, name="callback_slip"),
]

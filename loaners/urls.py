from django.urls import path

from loaners import views

app_name = "loaners"
urlpatterns = [
    path("", views.loaner_list, name="list"),
    path("new/", views.loaner_create, name="create"),
    path("<int:pk>/", views.loaner_detail, name="detail"),
    path("<int:pk>/retire/", views.loaner_retire, name="retire"),
    path("lend/", views.loan_lend, name="lend"),
    path("loans/<int:pk>/return/", views.loan_return, name="return"),
]

from django.urls import path

from . import views_backoffice as views

app_name = "imports_backoffice"

urlpatterns = [
    path("", views.index, name="index"),
    path("xac-nhan/", views.confirm, name="confirm"),
]

from django.urls import path

from . import views_backoffice as views

app_name = "stats_backoffice"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("y-kien/", views.items, name="items"),
    path("y-kien/xuat/", views.items_export, name="items_export"),
    path("so-lieu/xuat/", views.figures_export, name="figures_export"),
    path("xuat/hop-thu/", views.inbox_export, name="inbox_export"),
    path("cap-nhat/", views.refresh, name="refresh"),
]

from django.urls import path

from . import views_portal as views

app_name = "stats_portal"

urlpatterns = [
    path("", views.scoreboard, name="scoreboard"),
    path("du-lieu/", views.open_data, name="open_data"),
    path("du-lieu.csv", views.figures_csv, name="figures_csv"),
    path("du-lieu.json", views.figures_json, name="figures_json"),
    path("y-kien.csv", views.items_csv, name="items_csv"),
    path("y-kien.json", views.items_json, name="items_json"),
]

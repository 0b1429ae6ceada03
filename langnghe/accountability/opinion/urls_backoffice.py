from django.urls import path

from . import views

app_name = "opinion_backoffice"

urlpatterns = [
    path("", views.index, name="index"),
    path("ung-vien.csv", views.candidates_csv, name="candidates_csv"),
    path("can-bo/<int:person_id>/", views.person_detail, name="person"),
    path("don-vi/<int:org_id>/", views.org_detail, name="org"),
    path("y-kien/", views.items, name="items"),
]

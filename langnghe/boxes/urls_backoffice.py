from django.urls import path

from . import views_backoffice as views

app_name = "boxes_backoffice"

urlpatterns = [
    path("", views.register, name="register"),
    path("them/", views.box_create, name="box_create"),
    path("<int:box_id>/", views.box_detail, name="box"),
    path("<int:box_id>/sua/", views.box_edit, name="box_edit"),
    path("<int:box_id>/thu-hoi/", views.box_retire, name="box_retire"),
    path("<int:box_id>/ap-phich/", views.box_poster, name="poster"),
    path("<int:box_id>/mo-hom/", views.opening_create, name="opening_create"),
    path("don-vi/<int:org_id>/ap-phich/", views.unit_posters, name="unit_posters"),
    path("lan-mo/<int:opening_id>/", views.opening_detail, name="opening"),
    path("lan-mo/<int:opening_id>/nhap-thu/", views.letter_create, name="letter"),
    path("lan-mo/<int:opening_id>/phieu-bao/", views.letter_receipt, name="letter_receipt"),
    path("lan-mo/<int:opening_id>/sua-so-thu/", views.opening_recount, name="opening_recount"),
    path("lan-mo/<int:opening_id>/hoan-tat/", views.opening_close, name="opening_close"),
    path("lan-mo/<int:opening_id>/bien-ban/", views.opening_minutes, name="minutes"),
]

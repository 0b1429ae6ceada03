from django.urls import path

from . import views_portal as views

app_name = "boxes_portal"

urlpatterns = [
    path("", views.box_list, name="list"),
    # The address printed on the posters and encoded in their QR codes: keep it stable.
    path("<str:code>/", views.box_page, name="box"),
]

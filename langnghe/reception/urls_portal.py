from django.urls import path

from . import views_portal as views

app_name = "reception_portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("buoi/<int:session_id>/", views.session, name="session"),
    path("dang-ky/bien-nhan/", views.booking_receipt, name="booking_receipt"),
    path("dang-ky/", views.booking_lookup, name="booking_lookup"),
    path("dang-ky/<str:code>/", views.booking, name="booking"),
]

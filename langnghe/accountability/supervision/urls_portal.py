from django.urls import path

from . import views_portal as v

app_name = "supervision"
urlpatterns = [
    path("", v.index, name="index"),
    path("<int:supervision_id>/", v.detail, name="detail"),
]

from django.urls import path  # noqa: F401

app_name = "boxes_backoffice"

urlpatterns: list = []

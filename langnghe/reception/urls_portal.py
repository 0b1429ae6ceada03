from django.urls import path  # noqa: F401

app_name = "reception_portal"

urlpatterns: list = []

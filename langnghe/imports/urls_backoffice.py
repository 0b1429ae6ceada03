from django.urls import path  # noqa: F401

app_name = "imports_backoffice"

urlpatterns: list = []

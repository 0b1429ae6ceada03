from django.urls import path  # noqa: F401

app_name = "discipline_backoffice"
urlpatterns: list = []

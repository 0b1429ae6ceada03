from django.urls import path  # noqa: F401

app_name = "opinion_backoffice"
urlpatterns: list = []

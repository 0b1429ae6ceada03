from django.urls import path

from . import views_portal as v

app_name = "meetings_portal"

urlpatterns = [
    path("", v.index, name="index"),
    path("<int:conference_id>/", v.conference, name="conference"),
    path("yeu-cau/<slug:slug>/", v.voter_request, name="voter_request"),
]

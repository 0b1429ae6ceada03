from django.urls import path

from . import views_backoffice as v

app_name = "meetings_backoffice"

urlpatterns = [
    path("", v.index, name="index"),
    path("ke-hoach/them/", v.plan_create, name="plan_create"),
    path("ke-hoach/<int:plan_id>/", v.plan_detail, name="plan"),
    path("ke-hoach/<int:plan_id>/sua/", v.plan_edit, name="plan_edit"),
    path("ke-hoach/<int:plan_id>/phe-duyet/", v.plan_approve, name="plan_approve"),
    path("ke-hoach/<int:plan_id>/them-hoi-nghi/", v.conference_create, name="conference_create"),
    path("<int:conference_id>/", v.conference_detail, name="conference"),
    path("<int:conference_id>/sua/", v.conference_edit, name="conference_edit"),
    path("<int:conference_id>/thong-bao/", v.conference_announce, name="announce"),
    path("<int:conference_id>/to-chuc/", v.conference_hold, name="hold"),
    path("<int:conference_id>/ket-qua/", v.conference_results, name="results"),
    path("<int:conference_id>/bien-ban/", v.minutes, name="minutes"),
    path("<int:conference_id>/bien-ban/phat-bieu/", v.speaker_add, name="speaker_add"),
    path("<int:conference_id>/bien-ban/van-de/", v.issue_add, name="issue_add"),
    path("<int:conference_id>/bien-ban/nghi-quyet/", v.resolution_add, name="resolution_add"),
    path("<int:conference_id>/bien-ban/hoan-thanh/", v.minutes_close, name="minutes_close"),
    path("van-de/<int:issue_id>/vao-so/", v.issue_register, name="issue_register"),
    path("cam-ket/", v.commitments, name="commitments"),
    path("cam-ket/<int:commitment_id>/", v.commitment_detail, name="commitment"),
    path("cu-tri/", v.voters, name="voters"),
    path("cu-tri/de-nghi/<int:request_id>/", v.voter_request, name="voter_request"),
]

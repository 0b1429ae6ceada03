from django.urls import path

from . import views_backoffice as v

app_name = "discipline_backoffice"
urlpatterns = [
    path("", v.decisions, name="decisions"),
    path("moi/", v.decision_create, name="decision_create"),
    path("<int:pk>/", v.decision, name="decision"),
    path("<int:pk>/ban-hanh/", v.decision_decide, name="decision_decide"),
    path("<int:pk>/thong-bao/", v.decision_notify, name="decision_notify"),
    path("<int:pk>/khieu-nai/", v.decision_appeal, name="decision_appeal"),
    path("<int:pk>/cong-khai/", v.decision_publish, name="decision_publish"),
    path("<int:pk>/in/", v.decision_print, name="decision_print"),
    path("thong-bao/", v.notices, name="notices"),
    path("thong-bao/moi/", v.notice_create, name="notice_create"),
    path("thong-bao/<int:pk>/", v.notice, name="notice"),
    path("thong-bao/<int:pk>/da-gui/", v.notice_sent, name="notice_sent"),
    path("thong-bao/<int:pk>/in/", v.notice_print, name="notice_print"),
    path("quy-dinh/", v.rule_status, name="rules"),
]

from django.urls import path

from . import views_backoffice as v

app_name = "supervision_backoffice"
urlpatterns = [
    path("", v.index, name="index"),
    path("ke-hoach/", v.plans, name="plans"),
    path("ke-hoach/<int:plan_id>/", v.plan, name="plan"),
    path("cuoc/<int:supervision_id>/", v.supervision, name="supervision"),
    path("cuoc/<int:supervision_id>/in-quyet-dinh/", v.decision_print, name="decision_print"),
    path("cuoc/<int:supervision_id>/<slug:step>/", v.supervision_step, name="step"),
    path("kien-nghi/", v.recommendations, name="recommendations"),
    path("kien-nghi/<int:rec_id>/", v.recommendation, name="recommendation"),
    path("kien-nghi/<int:rec_id>/in/", v.recommendation_print, name="recommendation_print"),
    path("phien-nghe/", v.hearings, name="hearings"),
    path("xem-xet-lai/", v.reopen_list, name="reopen_list"),
    path("xem-xet-lai/<int:item_id>/", v.reopen, name="reopen"),
]

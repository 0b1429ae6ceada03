from django.urls import path

from . import views as v

app_name = "inspections_backoffice"

urlpatterns = [
    path("", v.index, name="index"),
    path("them/", v.create, name="create"),
    path("ke-hoach/", v.plans, name="plans"),
    path("ke-hoach/<int:plan_id>/", v.plan_detail, name="plan"),
    path("don-to-cao/", v.denunciations, name="denunciations"),
    path("khac-phuc/", v.remedies, name="remedies"),
    path("khac-phuc/<int:remedy_id>/xong/", v.remedy_done, name="remedy_done"),
    path("doan/<int:member_id>/xoa/", v.team_remove, name="team_remove"),
    path("quyen-xem/<int:grant_id>/thu-hoi/", v.grant_revoke, name="grant_revoke"),
    path("<int:inspection_id>/", v.inspection, name="inspection"),
    path("<int:inspection_id>/quyet-dinh/", v.decision, name="decision"),
    path("<int:inspection_id>/chuyen-buoc/", v.transition, name="transition"),
    path("<int:inspection_id>/doan/", v.team, name="team"),
    path("<int:inspection_id>/giai-trinh/", v.report, name="report"),
    path("<int:inspection_id>/ket-qua/", v.finding, name="finding"),
    path("<int:inspection_id>/ket-luan/", v.conclusion, name="conclusion"),
    path("<int:inspection_id>/cong-khai/", v.publish, name="publish"),
    path("<int:inspection_id>/thong-bao/", v.notice, name="notice"),
    path("<int:inspection_id>/khac-phuc/", v.remedy, name="remedy"),
    path("<int:inspection_id>/quyen-xem/", v.grants, name="grants"),
    path("<int:inspection_id>/in/quyet-dinh/", v.print_decision, name="print_decision"),
    path("<int:inspection_id>/in/ket-luan/", v.print_conclusion, name="print_conclusion"),
]

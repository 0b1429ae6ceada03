from django.urls import path

from . import views_backoffice as views

app_name = "reception_backoffice"

urlpatterns = [
    path("", views.index, name="index"),
    path("dia-diem/", views.sites, name="sites"),
    path("dia-diem/<int:site_id>/", views.sites, name="site_edit"),
    path("buoi-tiep/", views.sessions, name="sessions"),
    path("buoi-tiep/them/", views.session_create, name="session_create"),
    path("buoi-tiep/<int:session_id>/", views.session_detail, name="session"),
    path(
        "buoi-tiep/<int:session_id>/thao-tac/<slug:name>/",
        views.session_action,
        name="session_action",
    ),
    path("buoi-tiep/<int:session_id>/ket-luan/", views.conclusion, name="conclusion"),
    path(
        "buoi-tiep/<int:session_id>/ket-luan/in/", views.conclusion_print, name="conclusion_print"
    ),
    path("so-tiep/", views.log, name="log"),
    path("so-tiep/them/", views.log_add, name="log_add"),
    path("so-tiep/bien-nhan/", views.log_receipt, name="log_receipt"),
    path("so-tiep/xuat.xlsx", views.log_export, name="log_export"),
    path("so-tiep/<int:entry_id>/", views.entry_detail, name="entry"),
    path("so-tiep/<int:entry_id>/thong-bao-tu-choi/", views.refusal_print, name="refusal_print"),
    path("dinh-muc/", views.quotas, name="quotas"),
]

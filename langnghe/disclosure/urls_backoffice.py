from django.urls import path

from . import views_backoffice as views

app_name = "disclosure_backoffice"

urlpatterns = [
    path("", views.publication_list, name="publications"),
    path("them/", views.publication_create, name="publication_create"),
    path("so-cong-khai/", views.register, name="register"),
    path("cam-ket/", views.commitment_list, name="commitments"),
    path("cam-ket/them/", views.commitment_edit, name="commitment_create"),
    path("cam-ket/<int:commitment_id>/", views.commitment_edit, name="commitment_edit"),
    path(
        "cam-ket/<int:commitment_id>/cong-khai/",
        views.commitment_publish,
        name="commitment_publish",
    ),
    path("<int:publication_id>/", views.publication_detail, name="publication"),
    path("<int:publication_id>/sua/", views.publication_edit, name="publication_edit"),
    path("<int:publication_id>/cong-khai/", views.publication_publish, name="publication_publish"),
    path("<int:publication_id>/go/", views.publication_withdraw, name="publication_withdraw"),
    path("<int:publication_id>/hinh-thuc/", views.channel_add, name="channel_add"),
    path(
        "<int:publication_id>/hinh-thuc/<int:channel_id>/xoa/",
        views.channel_remove,
        name="channel_remove",
    ),
    path("<int:publication_id>/tep/", views.attachment_add, name="attachment_add"),
    path(
        "<int:publication_id>/tep/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path(
        "<int:publication_id>/tep/<int:attachment_id>/xoa/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("<int:publication_id>/niem-yet/", views.notice, name="notice"),
]

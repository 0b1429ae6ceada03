from django.urls import path

from . import views_portal as views

app_name = "disclosure_portal"

urlpatterns = [
    path("", views.index, name="index"),
    path("so-cong-khai/", views.register, name="register"),
    path("can-bo/", views.cadres, name="cadres"),
    path("can-bo/<int:person_id>/", views.cadre, name="cadre"),
    path(
        "can-bo/<int:person_id>/cam-ket/<int:commitment_id>/tep/",
        views.commitment_file,
        name="commitment_file",
    ),
    path("<int:publication_id>/", views.publication_detail, name="publication"),
    path("<int:publication_id>/gop-y/", views.comment, name="comment"),
    path("<int:publication_id>/tep/<int:attachment_id>/", views.attachment, name="attachment"),
]

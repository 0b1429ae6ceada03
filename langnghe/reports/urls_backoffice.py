from django.urls import path

from . import views

app_name = "reports_backoffice"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("lap/", views.report_create, name="create"),
    path("<int:report_id>/", views.report_detail, name="detail"),
    path("<int:report_id>/ban-hanh/", views.report_issue, name="issue"),
    path("<int:report_id>/tai/<slug:kind>/", views.report_download, name="download"),
]

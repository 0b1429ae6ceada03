"""Staff account security, mounted by langnghe.backoffice.urls at /quan-ly/tai-khoan/."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("ma-xac-thuc/", views.login_code, name="login_code"),
    path("xac-thuc-hai-buoc/", views.two_factor, name="two_factor"),
    path("xac-thuc-hai-buoc/ma-du-phong/", views.recovery_codes, name="recovery_codes"),
    path("can-bo/", views.staff_accounts, name="staff"),
    path("can-bo/<int:user_id>/dat-lai/", views.staff_two_factor_reset, name="staff_reset"),
]

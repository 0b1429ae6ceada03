from django.contrib.auth import views as auth_views
from django.urls import include, path

from langnghe.accounts.views import StaffLoginView

from . import views

app_name = "backoffice"

urlpatterns = [
    # Login in two steps (password, then the TOTP code for accounts that enrolled), throttled;
    # the code step, enrolment and staff-account pages live in langnghe.accounts.
    path("dang-nhap/", StaffLoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(next_page="backoffice:login"), name="logout"),
    path("tai-khoan/", include("langnghe.accounts.urls")),
    path("", views.inbox, name="inbox"),
    path("y-kien/<int:item_id>/", views.item_detail, name="item"),
    path("y-kien/<int:item_id>/thao-tac/<slug:name>/", views.item_action, name="item_action"),
    path("y-kien/<int:item_id>/ghi-chu/", views.item_note_add, name="item_note"),
    path("y-kien/<int:item_id>/chuyen-don-vi/", views.item_route_view, name="item_route"),
    path("y-kien/<int:item_id>/giao/", views.item_assign_view, name="item_assign"),
    path("y-kien/<int:item_id>/phan-loai/", views.item_classify_view, name="item_classify"),
    path("y-kien/<int:item_id>/khieu-nai-lan-hai/", views.item_appeal_view, name="item_appeal"),
    path("y-kien/<int:item_id>/muc-do/", views.item_complexity_view, name="item_complexity"),
    path("y-kien/<int:item_id>/gia-han/", views.item_extend_view, name="item_extend"),
    path("y-kien/<int:item_id>/gop/", views.item_merge_view, name="item_merge"),
    path("y-kien/<int:item_id>/danh-tinh/", views.item_reveal_view, name="item_reveal"),
    path(
        "y-kien/<int:item_id>/tep/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("tiep-nhan/", views.reception, name="reception"),
    path("tiep-nhan/bien-nhan/", views.receipt, name="receipt"),
    path("quy-tac/", views.rules_list, name="rules"),
    path("quy-tac/them/", views.rule_edit, name="rule_create"),
    path("quy-tac/<int:rule_id>/", views.rule_edit, name="rule_edit"),
    path("quy-tac/<int:rule_id>/ngung/", views.rule_deactivate, name="rule_deactivate"),
    path("to-chuc/", views.org_tree, name="orgs"),
]

"""Public paths (DESIGN.md §5). These are a stable interface: printed notices carry them."""

from django.urls import path, register_converter

from . import views


class CodeConverter:
    """A tracking code as people type it: letters, digits and dashes, in any case."""

    regex = "[A-Za-z0-9-]{4,20}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(CodeConverter, "code")

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("gop-y/", views.submit, name="submit"),
    path("gop-y/bien-nhan/", views.receipt, name="receipt"),
    path("gop-y/can-bo/", views.person_search, name="person_search"),
    path("tra-cuu/", views.track, name="track"),
    path("tra-cuu/thoat/", views.track_leave, name="track_leave"),
    path("tra-cuu/<code:code>/", views.track_item, name="track_item"),
    path("tra-cuu/<code:code>/tra-loi/", views.track_reply, name="track_reply"),
    path("tra-cuu/<code:code>/danh-gia/", views.track_rate, name="track_rate"),
    path("tra-cuu/<code:code>/xem-xet-lai/", views.track_reopen, name="track_reopen"),
    path("tra-cuu/<code:code>/khieu-nai-lan-hai/", views.track_appeal, name="track_appeal"),
    path("tim-kiem/", views.search, name="search"),
    path("y-kien/<code:code>/", views.published_item, name="item"),
    path("don-vi/<slug:slug>/", views.unit, name="unit"),
]

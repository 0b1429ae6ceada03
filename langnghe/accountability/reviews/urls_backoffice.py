from django.urls import path

from . import views

app_name = "reviews_backoffice"
urlpatterns = [
    path("", views.index, name="index"),
    path("dot/<int:pk>/", views.cycle_detail, name="cycle"),
    path("dot/<int:pk>/them/", views.cycle_add, name="cycle_add"),
    path("dot/<int:pk>/trang-thai/", views.cycle_status, name="cycle_status"),
    path("danh-gia/<int:pk>/", views.review_detail, name="review"),
    path("danh-gia/<int:pk>/<slug:action>/", views.review_action, name="review_action"),
    path("cam-ket/<int:pk>/", views.commitment_update, name="commitment_update"),
    path("goi-y/moi/", views.suggestion_new, name="suggestion_new"),
    path("goi-y/<int:pk>/", views.suggestion_detail, name="suggestion"),
    path("goi-y/<int:pk>/in/", views.suggestion_print, name="suggestion_print"),
    path("goi-y/<int:pk>/<slug:action>/", views.suggestion_action, name="suggestion_action"),
]

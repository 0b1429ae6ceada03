from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import pages, views

app_name = "api"

v1 = [
    # Public
    path("items/", views.SubmitView.as_view(), name="submit"),
    path("track/", views.TrackView.as_view(), name="track"),
    path("track/reply/", views.TrackReplyView.as_view(), name="track-reply"),
    path("track/reopen/", views.TrackReopenView.as_view(), name="track-reopen"),
    path("track/rate/", views.TrackRateView.as_view(), name="track-rate"),
    path("published/", views.PublishedListView.as_view(), name="published-list"),
    path("published/<str:code>/", views.PublishedDetailView.as_view(), name="published-detail"),
    path("publications/", views.PublicationListView.as_view(), name="publications-list"),
    path(
        "publications/<int:publication_id>/",
        views.PublicationDetailView.as_view(),
        name="publications-detail",
    ),
    path("topics/", views.TopicListView.as_view(), name="topics"),
    # Staff
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("search/", views.SearchView.as_view(), name="search"),
    path("items/<int:item_id>/", views.ItemDetailView.as_view(), name="item"),
    path("items/<int:item_id>/transition/", views.TransitionView.as_view(), name="item-transition"),
    path("items/<int:item_id>/route/", views.RouteView.as_view(), name="item-route"),
    path("items/<int:item_id>/assign/", views.AssignView.as_view(), name="item-assign"),
    path("items/<int:item_id>/notes/", views.NoteView.as_view(), name="item-note"),
    path("items/<int:item_id>/extend/", views.ExtendView.as_view(), name="item-extend"),
    path("items/<int:item_id>/classify/", views.ClassifyView.as_view(), name="item-classify"),
    path("items/<int:item_id>/complexity/", views.ComplexityView.as_view(), name="item-complexity"),
    path("items/<int:item_id>/merge/", views.MergeView.as_view(), name="item-merge"),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("khoa/", pages.keys, name="keys"),
    path("v1/", include((v1, "v1"))),
]

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns  # noqa: F401
from django.contrib import admin
from django.urls import include, path

from langnghe.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Capabilities built on the spine; their back-office pages live under /quan-ly/.
    path("api/", include("langnghe.api.urls")),
    path("open311/v2/", include("langnghe.open311.urls")),
    path("quan-ly/cong-khai/", include("langnghe.disclosure.urls_backoffice")),
    path("quan-ly/hoi-nghi/", include("langnghe.meetings.urls_backoffice")),
    path("quan-ly/tiep-dan/", include("langnghe.reception.urls_backoffice")),
    path("quan-ly/hom-thu/", include("langnghe.boxes.urls_backoffice")),
    path("quan-ly/thong-ke/", include("langnghe.stats.urls_backoffice")),
    path("quan-ly/bao-cao/", include("langnghe.reports.urls_backoffice")),
    path("quan-ly/nhap-du-lieu/", include("langnghe.imports.urls_backoffice")),
    path("quan-ly/du-luan/", include("langnghe.accountability.opinion.urls_backoffice")),
    path("quan-ly/kiem-diem/", include("langnghe.accountability.reviews.urls_backoffice")),
    path("quan-ly/kiem-tra/", include("langnghe.accountability.inspections.urls_backoffice")),
    path("quan-ly/ky-luat/", include("langnghe.accountability.discipline.urls_backoffice")),
    path("quan-ly/giam-sat/", include("langnghe.accountability.supervision.urls_backoffice")),
    path("quan-ly/", include("langnghe.backoffice.urls")),
    path("cong-khai/", include("langnghe.disclosure.urls_portal")),
    path("doi-thoai/", include("langnghe.meetings.urls_portal")),
    path("lich-tiep-dan/", include("langnghe.reception.urls_portal")),
    path("hom-thu/", include("langnghe.boxes.urls_portal")),
    path("thong-ke/", include("langnghe.stats.urls_portal")),
    path("giam-sat/", include("langnghe.accountability.supervision.urls_portal")),
    path("thu-thach/", include("captcha.urls")),
    path("", include("langnghe.portal.urls")),
]

if settings.DEBUG:  # pragma: no cover
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "langnghe.core.views.page_not_found"

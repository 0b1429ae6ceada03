"""URLconf of the benchmark server only (`manage.py bench`): the whole site, plus the bare
baselines of langnghe.core.bench_views under /__bench__/.

Nothing routes here in a deployment: ``config.urls`` stays the ROOT_URLCONF, and only
``langnghe.core.bench_views.wsgi_application`` (started by the bench command with LANGNGHE_BENCH=1)
switches to this module. Importing it without that variable fails loudly.
"""

from django.core.exceptions import ImproperlyConfigured
from django.urls import path

from config.urls import urlpatterns as site_urlpatterns
from langnghe.core import bench_views

if not bench_views.enabled():
    raise ImproperlyConfigured(f"config.bench_urls needs {bench_views.ENV_FLAG}=1")

# After the site's own patterns, so the real pages resolve exactly as in production.
urlpatterns = [
    *site_urlpatterns,
    path("__bench__/trang/", bench_views.bare_page, name="bench_page"),
    path("__bench__/mau/", bench_views.bare_form, name="bench_form"),
    path("__bench__/da-gui/", bench_views.bare_done, name="bench_done"),
]

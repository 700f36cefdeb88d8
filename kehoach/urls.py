from django.contrib import admin
from django.urls import include, path

from kehoach.accounts.views import home
from kehoach.api import api
from kehoach.publishing.sitemaps import robots_txt, sitemap_view

urlpatterns = [
    path("", home, name="home"),
    path("", include("kehoach.accounts.urls")),
    path("units/", include("kehoach.units.urls")),
    path("people/", include("kehoach.people.urls")),
    path("plans/", include("kehoach.plans.urls")),
    path("activities/", include("kehoach.activities.urls")),
    path("reports/", include("kehoach.reports.urls")),
    path("monitoring/", include("kehoach.monitoring.urls")),
    path("publishing/", include("kehoach.publishing.urls")),
    path("search/", include("kehoach.publishing.urls_search")),
    path("audit/", include("kehoach.audit.urls")),
    # Public, without sign-in: pages, feeds, embeds and files; open data; the sitemap.
    path("cong-khai/", include("kehoach.publishing.urls_public")),
    path("du-lieu-mo/", include("kehoach.publishing.urls_opendata")),
    path("sitemap.xml", sitemap_view, name="sitemap"),
    path("robots.txt", robots_txt, name="robots"),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

from django.contrib import admin
from django.urls import include, path

from kehoach.accounts.views import home
from kehoach.api import api

urlpatterns = [
    path("", home, name="home"),
    path("", include("kehoach.accounts.urls")),
    path("units/", include("kehoach.units.urls")),
    path("people/", include("kehoach.people.urls")),
    path("plans/", include("kehoach.plans.urls")),
    path("activities/", include("kehoach.activities.urls")),
    path("reports/", include("kehoach.reports.urls")),
    path("monitoring/", include("kehoach.monitoring.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

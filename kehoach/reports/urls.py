from django.urls import path

from kehoach.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.period_list, name="periods"),
    path("periods/<int:period_pk>/", views.period_board, name="period"),
    path("periods/<int:period_pk>/remind/<int:unit_pk>/", views.remind, name="remind"),
    path("periods/<int:period_pk>/units/<int:unit_pk>/", views.unit_report, name="unit_report"),
    path("<int:pk>/", views.report_detail, name="report"),
    path("<int:pk>/refresh/", views.report_refresh, name="refresh"),
    path("<int:pk>/submit/", views.report_submit, name="submit"),
    path("<int:pk>/return/", views.report_return, name="return"),
    path("<int:pk>/accept/", views.report_accept, name="accept"),
    path("<int:pk>/export.<str:fmt>", views.report_export, name="export"),
    path("plans/<int:plan_pk>/periods/new/", views.period_create, name="period_new"),
    path("plans/<int:plan_pk>/periods/generate/", views.periods_generate, name="generate"),
]

from django.urls import path

from kehoach.plans import views, views_import

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_home, name="home"),
    path("<int:pk>/document/", views.plan_document, name="document"),
    path("<int:pk>/tasks/", views.task_list, name="tasks"),
    path("<int:pk>/tasks.csv", views.task_list_csv, name="tasks_csv"),
    path("<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("<int:pk>/export.json", views.plan_export, name="export"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
]

# The plan importer (views_import): upload → review beside the source → confirm.
urlpatterns += [
    path("import/", views_import.plan_import_upload, name="import"),
    path("import/<int:pk>/", views_import.plan_import_review, name="import_review"),
    path("import/<int:pk>/units/", views_import.plan_import_units, name="import_units"),
    path("import/<int:pk>/confirm/", views_import.plan_import_confirm, name="import_confirm"),
    path("import/<int:pk>/discard/", views_import.plan_import_discard, name="import_discard"),
]

from django.urls import path

from kehoach.plans import views

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

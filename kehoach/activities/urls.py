from django.urls import path

from kehoach.activities import views, views_bulk, views_notifications

app_name = "activities"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("export/", views.record_export, name="export"),
    path("new/", views.record_create, name="create"),
    path("<int:pk>/", views.record_detail, name="detail"),
    path("<int:pk>/edit/", views.record_edit, name="edit"),
    path("<int:pk>/delete/", views.record_delete, name="delete"),
    path("targets/<int:target_pk>/", views.target_detail, name="target"),
    path("plans/<int:pk>/", views.plan_dashboard, name="plan_dashboard"),
    path("units/<int:pk>/", views.unit_dashboard, name="unit_dashboard"),
    path("tasks/<int:pk>/", views.task_records, name="task"),
    path("reminders/", views_notifications.notification_list, name="notifications"),
    path("reminders/read/", views_notifications.notifications_mark_read, name="notifications_read"),
]

# Bulk entry (views_bulk): template → upload and check → save all, or only the valid rows.
urlpatterns += [
    path("import/", views_bulk.bulk_import, name="bulk_import"),
    path("import/template/<str:kind>.<str:fmt>", views_bulk.bulk_template, name="bulk_template"),
    path("import/<str:token>/save/", views_bulk.bulk_save, name="bulk_save"),
    path("import/<str:token>/errors.csv", views_bulk.bulk_errors, name="bulk_errors"),
]

from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.entry_list, name="list"),
    path("<int:kind_id>/<str:object_pk>/", views.object_history, name="object"),
]

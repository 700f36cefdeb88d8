from django.urls import path

from kehoach.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/export/", views.export, name="export"),
    path("<int:pk>/erase/", views.erase, name="erase"),
]

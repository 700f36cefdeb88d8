from django.urls import path

from kehoach.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
]

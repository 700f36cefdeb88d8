from django.urls import path

from kehoach.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("stories/<int:pk>/", views.story_detail, name="story"),
    path("stories/<int:pk>/review/", views.story_review, name="story_review"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/raw/", views.article_raw, name="article_raw"),
    path("matches/<int:pk>/review/", views.match_review, name="match_review"),
    path("sources/", views.source_list, name="sources"),
    path("sources/new/", views.source_create, name="source_new"),
    path("sources/<int:pk>/", views.source_detail, name="source"),
    path("sources/<int:pk>/edit/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/deactivate/", views.source_deactivate, name="source_deactivate"),
    path("sources/<int:pk>/activate/", views.source_activate, name="source_activate"),
    path("fact-checks/", views.fact_check_list, name="fact_checks"),
    path("fact-checks/new/", views.fact_check_create, name="fact_check_new"),
    path("fact-checks/<int:pk>/edit/", views.fact_check_edit, name="fact_check_edit"),
    path("fact-checks/<int:pk>/delete/", views.fact_check_delete, name="fact_check_delete"),
    path("fact-checks/import/", views.fact_check_import, name="fact_check_import"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/plans/<int:plan_pk>/new/", views.bulletin_create, name="bulletin_new"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/bulletin.docx", views.bulletin_docx, name="bulletin_docx"),
]

"""Public pages, feeds, embed and files under /cong-khai/ (no sign-in)."""

from django.urls import URLPattern, URLResolver, path

from . import feeds, files, views_public

app_name = "public"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views_public.home, name="home"),
    path("san-pham/", views_public.product_list, name="products"),
    path("san-pham/<int:pk>/", views_public.product_detail, name="product"),
    path("ke-hoach/<int:pk>/", views_public.plan_detail, name="plan"),
    path("nhung/", views_public.embed, name="embed"),
    path("ngon-ngu/<str:code>/", views_public.language, name="language"),
    path("atom.xml", feeds.atom_all, name="atom"),
    path("rss.xml", feeds.rss_all, name="rss"),
    path("ke-hoach/<int:pk>/atom.xml", feeds.atom_plan, name="plan_atom"),
    path("ke-hoach/<int:pk>/rss.xml", feeds.rss_plan, name="plan_rss"),
    path("chu-de/<int:pk>/atom.xml", feeds.atom_theme, name="theme_atom"),
    path("chu-de/<int:pk>/rss.xml", feeds.rss_theme, name="theme_rss"),
    path("don-vi/<int:pk>/atom.xml", feeds.atom_unit, name="unit_atom"),
    path("don-vi/<int:pk>/rss.xml", feeds.rss_unit, name="unit_rss"),
    path("tep/<int:pk>/<str:name>", files.attachment_serve, name="file"),
]

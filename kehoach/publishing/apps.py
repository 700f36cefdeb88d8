from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "kehoach.publishing"
    verbose_name = _("Publishing and open data")

    def ready(self) -> None:
        # The search index follows records and publications (signals of this app's own).
        from . import signals  # noqa: F401

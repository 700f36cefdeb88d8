from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "kehoach.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Every app's models are loaded by now: register the audited ones with django-auditlog.
        from .registry import register_audited_models

        register_audited_models()

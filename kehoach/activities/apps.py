from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "kehoach.activities"
    verbose_name = _("Execution records")

    def ready(self) -> None:
        from kehoach.plans.extensions import register_target_values

        from .selectors import plan_target_values

        register_target_values(plan_target_values)

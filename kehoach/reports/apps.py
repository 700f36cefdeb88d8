from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "kehoach.reports"
    verbose_name = _("Periodic reports")

    def ready(self) -> None:
        from kehoach.activities.reminders import register_daily_reminders

        from .services import report_reminders_daily

        # The daily reminders job (activities) also reminds units of reports due.
        register_daily_reminders(report_reminders_daily)

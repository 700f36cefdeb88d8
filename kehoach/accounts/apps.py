from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "kehoach.accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        # Registers the user_logged_in receiver that undoes a sign-in without its second factor.
        from kehoach.accounts import otp  # noqa: F401

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from kehoach.demo import DEMO_PASSWORD, demo_load


class Command(BaseCommand):
    help = "Migrate, load the demo district and the seed plan, create demo users, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load the demo and exit.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        logins = demo_load()
        self.stdout.write(self.style.SUCCESS(_("Demo loaded: huyện Núi Thành and its 2024 plan.")))
        self.stdout.write(_("Demo logins (password for all: %(pw)s):") % {"pw": DEMO_PASSWORD})
        for login in logins:
            self.stdout.write(f"  {login.username:<10} {login.role.label:<26} {login.unit}")
        if not options["no_serve"]:
            self.stdout.write(
                _("Open http://%(addr)s/ in a browser.") % {"addr": options["addrport"]}
            )
            self.stdout.write(
                _(
                    "Public pages (no sign-in): http://%(addr)s/cong-khai/ · open data: "
                    "http://%(addr)s/du-lieu-mo/"
                )
                % {"addr": options["addrport"]}
            )
            call_command("serve", addrport=options["addrport"])

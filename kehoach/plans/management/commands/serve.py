"""`kehoach serve [ADDR:PORT] [--workers N]`: the threaded demo server, or gunicorn for many users.

Without --workers: Django's threaded runserver (one process, no reloader), for the demo and a
single office. With --workers N: this process becomes a gunicorn master (os.execv, so signals from
systemd or Ctrl-C reach gunicorn itself) with N worker processes serving kehoach.wsgi; static files
are served by WhiteNoise in both cases.
"""

import argparse
import importlib.util
import os
import re
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

DEFAULT_ADDRPORT = "127.0.0.1:8000"
# A province's consolidated report as PDF takes ~41 s (README, Deployment): gunicorn's default
# 30 s would kill the worker in the middle of it.
DEFAULT_TIMEOUT = 120
# 8000, 127.0.0.1:8000, localhost:8000, 0.0.0.0:8000, [::1]:8000
ADDRPORT_RE = re.compile(r"^(?:(?P<host>\[[0-9a-fA-F:.]+\]|[\w.-]+):)?(?P<port>\d{1,5})$")


def gunicorn_bind(addrport: str) -> str:
    """The --bind of gunicorn for runserver's ADDR:PORT (a bare port listens on 127.0.0.1)."""
    match = ADDRPORT_RE.match(addrport)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise CommandError(
            _("“%(addrport)s” is not an address and port such as 127.0.0.1:8000.")
            % {"addrport": addrport}
        )
    return f"{match['host'] or '127.0.0.1'}:{match['port']}"


def gunicorn_control_socket(bind: str) -> str:
    """gunicorn's control socket (for `gunicornc`), named after the address served.

    gunicorn's default is one gunicorn.ctl per user, so a second instance on another port would
    take the first one's socket; two instances cannot serve the same address, so this name is theirs
    alone. The folder is gunicorn's own choice: $XDG_RUNTIME_DIR, else ~/.gunicorn.
    """
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if not (runtime_dir and os.path.isdir(runtime_dir)):
        runtime_dir = os.path.join(os.path.expanduser("~"), ".gunicorn")
    return os.path.join(runtime_dir, f"kehoach-{re.sub(r'[^0-9A-Za-z.]+', '-', bind)}.ctl")


def gunicorn_argv(*, bind: str, workers: int, threads: int, timeout: int) -> list[str]:
    """The command line that runs gunicorn with this Python (the same virtual environment)."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "kehoach.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        str(timeout),
        "--control-socket",
        gunicorn_control_socket(bind),
    ]


def _at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(
            _("“%(value)s” is not a whole number of at least 1.") % {"value": value}
        )
    return number


class Command(BaseCommand):
    help = (
        "Serve the web app (static files by WhiteNoise). Without --workers: Django's threaded "
        "server, for the demo and a single office. With --workers N: gunicorn with N worker "
        "processes, for many users (behind a reverse proxy with HTTPS, README Deployment)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default=DEFAULT_ADDRPORT)
        parser.add_argument(
            "--workers",
            type=_at_least_one,
            help="Run gunicorn with this many worker processes (about 2 per CPU core).",
        )
        parser.add_argument(
            "--threads",
            type=_at_least_one,
            help="Threads per gunicorn worker (default 1); needs --workers.",
        )
        parser.add_argument(
            "--timeout",
            type=_at_least_one,
            help=f"Seconds before gunicorn restarts a silent worker (default {DEFAULT_TIMEOUT}); "
            "needs --workers.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workers: int | None = options["workers"]
        if workers is None:
            if options["threads"] is not None or options["timeout"] is not None:
                raise CommandError(_("--threads and --timeout need --workers."))
            call_command("runserver", options["addrport"], use_reloader=False, use_threading=True)
            return
        bind = gunicorn_bind(options["addrport"])
        if importlib.util.find_spec("gunicorn") is None:
            raise CommandError(
                _(
                    "gunicorn is not installed, so --workers cannot be used. Install it with "
                    "pip install 'kehoach[server]', or serve without --workers."
                )
            )
        argv = gunicorn_argv(
            bind=bind,
            workers=workers,
            threads=options["threads"] or 1,
            timeout=options["timeout"] or DEFAULT_TIMEOUT,
        )
        self.stdout.write(
            _("Serving on http://%(bind)s/ with gunicorn, %(workers)d worker processes.")
            % {"bind": bind, "workers": workers}
        )
        self.stdout.flush()
        sys.stderr.flush()
        # Replace this process: gunicorn's master keeps our pid, so a service manager's signals
        # (SIGTERM to stop, SIGHUP to reload) go straight to it.
        os.execv(argv[0], argv)

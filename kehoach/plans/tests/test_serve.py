"""`kehoach serve`: Django's threaded server by default, gunicorn with N workers on --workers."""

import io
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import SimpleTestCase, TransactionTestCase
from django.utils import translation

SERVE = "kehoach.plans.management.commands.serve"


class ServeCommandTest(SimpleTestCase):
    def serve(self, *args: str) -> mock.Mock:
        """Run the command with os.execv replaced; the mock holds what would have been run."""
        with mock.patch(f"{SERVE}.os.execv") as execv:
            call_command("serve", *args, stdout=io.StringIO())
        return execv

    def gunicorn_options(self, execv: mock.Mock) -> dict[str, str]:
        path, argv = execv.call_args.args
        assert path == sys.executable
        assert argv[:4] == [sys.executable, "-m", "gunicorn", "kehoach.wsgi:application"]
        options = argv[4:]
        return dict(zip(options[::2], options[1::2], strict=True))

    def test_it_runs_djangos_threaded_server_without_workers(self):
        with mock.patch(f"{SERVE}.call_command") as run, mock.patch(f"{SERVE}.os.execv") as execv:
            call_command("serve", "0.0.0.0:8080")
        run.assert_called_once_with(
            "runserver", "0.0.0.0:8080", use_reloader=False, use_threading=True
        )
        execv.assert_not_called()

    def test_it_becomes_gunicorn_with_the_given_workers_on_the_given_address(self):
        with mock.patch.dict(os.environ, {"XDG_RUNTIME_DIR": "/"}):
            execv = self.serve("0.0.0.0:8080", "--workers", "4")
        assert self.gunicorn_options(execv) == {
            "--bind": "0.0.0.0:8080",
            "--workers": "4",
            "--threads": "1",
            "--timeout": "120",  # a province's PDF report takes ~41 s; gunicorn's default is 30
            "--control-socket": "/kehoach-0.0.0.0-8080.ctl",
        }

    def test_each_address_served_has_its_own_control_socket(self):
        # gunicorn's default, one gunicorn.ctl per user, would be taken over by a second instance.
        sockets = {
            self.gunicorn_options(self.serve(address, "--workers", "1"))["--control-socket"]
            for address in ("127.0.0.1:8000", "127.0.0.1:8001", "[::1]:8000")
        }
        assert len(sockets) == 3
        assert all(Path(path).name.startswith("kehoach-") for path in sockets)

    def test_the_control_socket_goes_to_the_home_folder_without_a_runtime_folder(self):
        with mock.patch.dict(os.environ, {"XDG_RUNTIME_DIR": "/no/such/folder", "HOME": "/srv/kh"}):
            execv = self.serve("127.0.0.1:8000", "--workers", "1")
        assert self.gunicorn_options(execv)["--control-socket"] == (
            "/srv/kh/.gunicorn/kehoach-127.0.0.1-8000.ctl"
        )

    def test_it_passes_threads_and_timeout_to_gunicorn(self):
        execv = self.serve("--workers", "2", "--threads", "4", "--timeout", "300")
        options = self.gunicorn_options(execv)
        assert options["--bind"] == "127.0.0.1:8000"
        assert (options["--threads"], options["--timeout"]) == ("4", "300")

    def test_a_bare_port_listens_on_localhost_as_runserver_does(self):
        execv = self.serve("8123", "--workers", "2")
        assert self.gunicorn_options(execv)["--bind"] == "127.0.0.1:8123"

    def test_it_keeps_host_names_and_ipv6_addresses(self):
        assert self.gunicorn_options(self.serve("localhost:9000", "--workers", "1"))["--bind"] == (
            "localhost:9000"
        )
        assert self.gunicorn_options(self.serve("[::1]:9000", "--workers", "1"))["--bind"] == (
            "[::1]:9000"
        )

    def test_it_refuses_a_number_of_workers_below_one(self):
        with translation.override("en"):
            for value in ("0", "-2", "vài"):
                with (
                    self.subTest(value),
                    pytest.raises(CommandError, match="at least 1"),
                ):
                    self.serve("--workers", value)

    def test_it_refuses_an_address_that_is_not_an_address_and_port(self):
        with translation.override("en"):
            for value in ("http://127.0.0.1:8000", "127.0.0.1:", "127.0.0.1:99999", "a b:80"):
                with (
                    self.subTest(value),
                    pytest.raises(CommandError, match="not an address and port"),
                ):
                    self.serve(value, "--workers", "2")

    def test_threads_and_timeout_need_workers(self):
        with translation.override("en"), mock.patch(f"{SERVE}.call_command") as run:
            for option in ("--threads", "--timeout"):
                with self.subTest(option), pytest.raises(CommandError, match="need --workers"):
                    call_command("serve", option, "2")
        run.assert_not_called()

    def test_it_says_how_to_install_gunicorn_when_it_is_missing(self):
        with (
            translation.override("en"),
            mock.patch(f"{SERVE}.importlib.util.find_spec", return_value=None),
            pytest.raises(CommandError, match=r"pip install 'kehoach\[server\]'") as raised,
            mock.patch(f"{SERVE}.os.execv") as execv,
        ):
            call_command("serve", "--workers", "2")
        assert "gunicorn is not installed" in str(raised.value)
        execv.assert_not_called()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


def _children(pid: int) -> list[int]:
    """Process ids whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # pid (comm) state ppid …: comm may hold spaces, so read after the last ")".
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _wait_for(predicate, *, seconds: float):
    """Poll until predicate() is truthy or the time is up (a limit, not a measured assertion)."""
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads Linux /proc")
class GunicornStartTest(TransactionTestCase):
    def test_it_serves_health_and_static_files_from_gunicorn_with_two_workers(self):
        port = _free_port()
        runtime_dir = Path(self.enterContext(tempfile.TemporaryDirectory()))
        env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(runtime_dir),
            "DATABASE_URL": _database_url(),
            "DJANGO_SETTINGS_MODULE": "kehoach.settings",
            "KEHOACH_SECRET_KEY": "test-secret-key-not-for-production",
            "KEHOACH_HTTPS": "0",
        }
        env.pop("KEHOACH_DEBUG", None)
        server = subprocess.Popen(
            [sys.executable, "-m", "kehoach.cli", "serve", f"127.0.0.1:{port}", "--workers", "2"],
            env=env,
            cwd=Path(settings.BASE_DIR).parent,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

        def get(path: str):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                    return r.status, r.headers, r.read()
            except OSError:  # refused, reset or timed out while the workers start
                return None

        try:
            answer = _wait_for(lambda: get("/health/"), seconds=90)
            assert answer is not None, "gunicorn did not answer /health/"
            status, headers, body = answer
            assert status == 200, body
            assert json.loads(body)["database"]["ok"] is True
            assert headers["Server"].startswith("gunicorn")
            static = get("/static/kehoach/app.css")
            assert static is not None and static[0] == 200  # WhiteNoise, as with runserver
            # The command became the gunicorn master (same pid) with two worker processes.
            cmdline = Path(f"/proc/{server.pid}/cmdline").read_bytes().split(b"\0")
            assert b"gunicorn" in cmdline
            assert _wait_for(lambda: len(_children(server.pid)) == 2, seconds=30)
            # Its control socket (gunicornc) is named after the address, not shared.
            control_socket = runtime_dir / f"kehoach-127.0.0.1-{port}.ctl"
            assert _wait_for(control_socket.is_socket, seconds=30), list(runtime_dir.iterdir())
        finally:
            server.send_signal(signal.SIGTERM)
            try:
                output, _ = server.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                server.kill()
                output, _ = server.communicate()
        assert server.returncode == 0, output
        # Said in the site's language, Vietnamese: "… bằng gunicorn, 2 tiến trình xử lý."
        assert "gunicorn, 2 tiến trình xử lý" in output

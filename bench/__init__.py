"""Benchmarks of kehoach pages at two scales: the demo ("seed") and a generated province.

`python -m bench.run` generates the datasets and writes bench/RESULTS.md; see bench/README.md.
Each dataset lives in its own database, never the demo's var/kehoach.sqlite3.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VAR_DIR = REPO / "var"
DEFAULT_DATABASE_URL = f"sqlite:///{VAR_DIR / 'bench.sqlite3'}"
SCALES = ("seed", "province")


def scale_database_url(base_url: str, scale: str) -> str:
    """One database per scale, named after the base: var/bench-seed.sqlite3, kehoach_bench_seed."""
    if base_url.startswith("sqlite:"):
        head, dot, ext = base_url.rpartition(".")
        return f"{head}-{scale}.{ext}" if dot else f"{base_url}-{scale}"
    head, _slash, name = base_url.rpartition("/")
    name, query_sep, query = name.partition("?")
    return f"{head}/{name}_{scale}{query_sep}{query}"


def django_setup(database_url: str) -> None:
    """Configure the production settings for a benchmark process (DEBUG off, plain HTTP)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("KEHOACH_SECRET_KEY", "bench-secret-key-not-for-production")
    os.environ.setdefault("KEHOACH_HTTPS", "0")
    os.environ.setdefault("KEHOACH_ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
    os.environ.setdefault("KEHOACH_LOG_LEVEL", "WARNING")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kehoach.settings"
    os.environ.pop("KEHOACH_DEBUG", None)
    import django

    django.setup()


def git_commit() -> str:
    """The short commit the results were measured at, for RESULTS.md."""
    import subprocess

    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"

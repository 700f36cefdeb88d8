"""The `kehoach` console script: Django's management commands under one name.

kehoach demo                  migrate, load the demo, print logins, serve on 127.0.0.1:8000
kehoach serve [ADDR:PORT] [--workers N]  serve the web app (threaded; with --workers, gunicorn)
kehoach worker                run background tasks (django-tasks database backend; requeues
                              the tasks of workers that died)
kehoach export-plan ID --format json
kehoach import-plan FILE [--json] [--commit]
kehoach export-report ID [--format docx|pdf|xlsx] [--output FILE]   a report as a file
kehoach eval-import DOCS_DIR LABELS_DIR   score the plan importer against labels
kehoach import-records FILE --kind K --plan ID [--keep-valid] [--user NAME]
kehoach publish-due [--schedule]  publish approved items whose time has come (or queue it)
kehoach search-rebuild        rebuild the full-text search index
kehoach backup [--output DIR] snapshot of the database and uploads (while the app runs)
kehoach restore SNAPSHOT [--yes]  bring a snapshot back (stop the app and worker first)
kehoach <any Django command>  migrate, createsuperuser, ...
"""

import os
import secrets
import sys
from pathlib import Path

ALIASES = {
    "export-plan": "export_plan",
    "export-report": "export_report",
    "eval-import": "eval_import",
    "import-plan": "import_plan",
    "import-records": "import_records",
    "publish-due": "publish_due",
    "search-rebuild": "search_rebuild",
}


def _local_secret_key() -> str:
    """A per-installation key for local use, kept in var/ so sessions survive restarts."""
    var_dir = Path(os.environ.get("KEHOACH_VAR_DIR", Path.cwd() / "var"))
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def main() -> None:
    args = sys.argv[1:] or ["help"]
    command = ALIASES.get(args[0], args[0])
    if not os.environ.get("KEHOACH_SECRET_KEY"):
        # A local installation: the key lives in var/ (production sets KEHOACH_SECRET_KEY).
        os.environ["KEHOACH_SECRET_KEY"] = _local_secret_key()
        if command in {"demo", "serve"}:
            # Served on http://127.0.0.1: cookies cannot be HTTPS-only there.
            os.environ.setdefault("KEHOACH_HTTPS", "0")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kehoach.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kehoach", command, *args[1:]])


if __name__ == "__main__":
    main()

"""Fail when the Vietnamese catalog is stale, incomplete or fuzzy, or its .mo is not compiled.

Run by `./dev test` as `python -m kehoach.locale_check`. Needs GNU gettext (xgettext, msgfmt).
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

PACKAGE = Path(__file__).resolve().parent
LOCALE = PACKAGE / "locale"
LANGUAGES = ("vi", "en")
DOMAINS = ("django",)


def _entries(po: polib.POFile) -> set[tuple[str | None, str]]:
    return {(e.msgctxt, e.msgid) for e in po if not e.obsolete}


def check() -> list[str]:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "kehoach"
        shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "--no-location",
                "--no-obsolete",
                *[f"--locale={lang}" for lang in LANGUAGES],
                "--ignore=tests/*",
                "--ignore=*/tests/*",
            ],
            cwd=copy,
            check=True,
            capture_output=True,
            env={
                "DJANGO_SETTINGS_MODULE": "kehoach.test_settings",
                "PYTHONPATH": tmp,
                "PATH": "/usr/bin:/bin:/usr/local/bin",
            },
        )
        for lang in LANGUAGES:
            for domain in DOMAINS:
                committed_path = LOCALE / lang / "LC_MESSAGES" / f"{domain}.po"
                if not committed_path.exists():
                    problems.append(f"{committed_path} is missing")
                    continue
                fresh = polib.pofile(str(copy / "locale" / lang / "LC_MESSAGES" / f"{domain}.po"))
                committed = polib.pofile(str(committed_path))
                missing = _entries(fresh) - _entries(committed)
                stale = _entries(committed) - _entries(fresh)
                for _ctx, msgid in sorted(missing, key=str)[:20]:
                    problems.append(f"{lang}: not in the catalog: {msgid!r}")
                for _ctx, msgid in sorted(stale, key=str)[:20]:
                    problems.append(f"{lang}: no longer in the code: {msgid!r}")
                if lang != "en":
                    for entry in committed:
                        if entry.obsolete:
                            continue
                        if "fuzzy" in entry.flags:
                            problems.append(f"{lang}: fuzzy: {entry.msgid!r}")
                        if not entry.translated():
                            problems.append(f"{lang}: untranslated: {entry.msgid!r}")
                mo_path = committed_path.with_suffix(".mo")
                if not mo_path.exists() or mo_path.stat().st_mtime < committed_path.stat().st_mtime:
                    compiled = polib.mofile(str(mo_path)) if mo_path.exists() else None
                    if compiled is None or {(e.msgid, e.msgstr) for e in compiled} != {
                        (e.msgid, e.msgstr) for e in committed.translated_entries()
                    }:
                        problems.append(f"{mo_path} is not compiled from the .po (compilemessages)")
    return problems


def main() -> None:
    problems = check()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            f"{len(problems)} translation problem(s). Fix kehoach/locale/*/LC_MESSAGES/django.po, "
            "then run: cd kehoach && ../.venv/bin/python -m django compilemessages",
            file=sys.stderr,
        )
        sys.exit(1)
    print("Translations: catalog complete and compiled.")


if __name__ == "__main__":
    main()

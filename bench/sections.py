"""Each benchmark owns a marked section of bench/RESULTS.md (`<!-- name -->` … `<!-- /name -->`)
and rewrites only that one, so benchmarks run at different times share the file."""

import re
from pathlib import Path


def section_write(mark: str, section: str, path: Path) -> None:
    """Replace the section marked `mark` in the file at `path`, or append it."""
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    pattern = re.compile(rf"<!-- {re.escape(mark)} -->.*?<!-- /{re.escape(mark)} -->\n?", re.S)
    if pattern.search(old):
        new = pattern.sub(lambda _m: section, old)
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + section
    path.write_text(new, encoding="utf-8")
